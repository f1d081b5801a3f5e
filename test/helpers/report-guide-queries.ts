import { readFileSync } from "node:fs";

/** One ```sql block of docs/reporting.md, named by its first `-- ` comment line. */
export interface GuideQuery {
  title: string;
  sql: string;
}

const guidePath = new URL("../../docs/reporting.md", import.meta.url);

/** Every SQL example of the reporting guide, in order. */
export function readGuideQueries(): GuideQuery[] {
  const markdown = readFileSync(guidePath, "utf8");
  return [...markdown.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => {
    const sql = match[1]!.trim();
    const title = /^-- (.+)$/m.exec(sql)?.[1]?.trim() ?? sql.slice(0, 60);
    return { title, sql };
  });
}
