// Times every SQL example of docs/reporting.md, and the queries of the `report` command, on a
// database with 100k files and 30 days of hourly history. A script, not a test:
//
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx bench/reporting-views.ts [--keep | --reuse]
//
// BENCH_DATABASE_URL is a server URL with the right to create databases. The script creates
// (and at the end drops, unless --keep) its own database `nfs_bench_views`, migrates it, seeds
// it set-based, then runs each query with EXPLAIN ANALYZE: once to warm the cache, then three
// times, reporting the median execution time. --reuse measures the database a --keep run left
// (after editing a query or a view by hand), without seeding again.
import { readFileSync } from "node:fs";
import pg from "pg";
import { migrate } from "../src/db/migrate.js";
import {
  dailyStatsQuery,
  disappearancesQuery,
  fileHistoryQuery,
} from "../src/db/tables/file-versions.js";
import { fileOverviewQuery } from "../src/db/tables/files.js";
import { runSummariesQuery } from "../src/db/tables/sync-runs.js";
import { makeLogger } from "../src/logging/logger.js";
import { formatTable } from "../src/report/format-table.js";
import { type HistoryShape, seedReportingHistory } from "./seed-reporting-history.js";

const shape: HistoryShape = { files: 100_000, days: 30, churn: 0.02 };
const databaseName = "nfs_bench_views";
const guideFileId = "file-a1d0c6e83f027327d8461063";
const repeats = 3;

interface BenchQuery {
  name: string;
  sql: string;
  params: unknown[];
}

interface Figure {
  name: string;
  rows: number;
  planningMs: number;
  executionMs: number;
  jitMs: number;
}

function guideQueries(): BenchQuery[] {
  const markdown = readFileSync(new URL("../docs/reporting.md", import.meta.url), "utf8");
  return [...markdown.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => {
    const sql = match[1]!.trim();
    return { name: /^-- (.+)$/m.exec(sql)?.[1] ?? sql.slice(0, 60), sql, params: [] };
  });
}

/** A report's tagged query as text with $n placeholders and its values, for EXPLAIN. */
const asBenchQuery = (name: string, query: { text: string; values: unknown[] }): BenchQuery => ({
  name,
  sql: query.text,
  params: query.values,
});

const reportQueries: BenchQuery[] = [
  asBenchQuery(
    "report disappeared --since 24h",
    disappearancesQuery(new Date(Date.now() - 86_400_000)),
  ),
  asBenchQuery("report runs --last 20", runSummariesQuery(20)),
  asBenchQuery("report history <id> (file)", fileOverviewQuery(guideFileId)),
  asBenchQuery("report history <id> (versions)", fileHistoryQuery(guideFileId)),
  asBenchQuery("report stats --days 7", dailyStatsQuery(7)),
];

interface ExplainRoot {
  Plan: { "Actual Rows": number };
  "Planning Time": number;
  "Execution Time": number;
  JIT?: { Timing: { Total: number } };
}

async function measure(client: pg.Client, query: BenchQuery): Promise<Figure> {
  const runs: ExplainRoot[] = [];
  for (let i = 0; i <= repeats; i++) {
    const { rows } = await client.query<{ "QUERY PLAN": ExplainRoot[] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${query.sql}`,
      query.params,
    );
    if (i > 0) runs.push(rows[0]!["QUERY PLAN"][0]!);
  }
  runs.sort((a, b) => a["Execution Time"] - b["Execution Time"]);
  const median = runs[Math.floor(runs.length / 2)]!;
  return {
    name: query.name,
    rows: median.Plan["Actual Rows"],
    planningMs: median["Planning Time"],
    executionMs: median["Execution Time"],
    jitMs: median.JIT?.Timing.Total ?? 0,
  };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const benchUrl = new URL(serverUrl);
benchUrl.pathname = `/${databaseName}`;
const logger = makeLogger({ level: "warn", pretty: false });
const keep = process.argv.includes("--keep") || process.argv.includes("--reuse");
const reuse = process.argv.includes("--reuse") && (await benchDatabaseExists());

async function benchDatabaseExists(): Promise<boolean> {
  return withClient(serverUrl, async (admin) => {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [
      databaseName,
    ]);
    return rowCount === 1;
  });
}

async function seed(): Promise<void> {
  await withClient(serverUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${databaseName}`);
  });
  await migrate(benchUrl.toString(), logger);
  await withClient(benchUrl.toString(), async (client) => {
    const started = performance.now();
    await seedReportingHistory(client, shape);
    await client.query("VACUUM ANALYZE");
    process.stdout.write(`Seeded in ${((performance.now() - started) / 1000).toFixed(0)}s: `);
  });
}

try {
  if (!reuse) await seed();
  // Measured on a fresh session, as an analyst or the report command would run them.
  const figures = await withClient(benchUrl.toString(), async (client) => {
    const { rows } = await client.query<Record<string, number | string>>(
      `SELECT (SELECT count(*) FROM files)::int AS files,
              (SELECT count(*) FROM file_versions)::int AS versions,
              (SELECT count(*) FROM sync_runs)::int AS runs,
              (SELECT count(*) FROM events)::int AS events,
              current_setting('server_version') AS server`,
    );
    const c = rows[0]!;
    process.stdout.write(
      `${c.files} files, ${c.versions} versions, ${c.runs} runs, ${c.events} events ` +
        `(PostgreSQL ${c.server}).\n\n`,
    );
    const measured: Figure[] = [];
    for (const query of [...guideQueries(), ...reportQueries]) {
      measured.push(await measure(client, query));
    }
    return measured;
  });
  const ms = (n: number) => n.toFixed(1);
  process.stdout.write(
    `${formatTable(
      [
        { header: "QUERY", value: (f: Figure) => f.name },
        { header: "ROWS", align: "right", value: (f) => String(f.rows) },
        { header: "PLAN ms", align: "right", value: (f) => ms(f.planningMs) },
        { header: "EXEC ms", align: "right", value: (f) => ms(f.executionMs) },
        { header: "JIT ms", align: "right", value: (f) => ms(f.jitMs) },
      ],
      figures,
    )}\n`,
  );
  const slow = figures.filter((f) => f.planningMs + f.executionMs >= 1000);
  process.stdout.write(
    slow.length === 0
      ? "\nEvery query answered in under a second.\n"
      : `\n${slow.length} quer${slow.length === 1 ? "y" : "ies"} took a second or more.\n`,
  );
  process.exitCode = slow.length === 0 ? 0 : 1;
} finally {
  if (!keep) {
    await withClient(serverUrl, (admin) =>
      admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`),
    );
  }
}
