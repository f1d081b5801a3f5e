import { describe, expect, it } from "vitest";
import { runCliProcess } from "./helpers/run-cli.js";
import { createTestDatabase } from "./helpers/test-database.js";

describe("novita-file-sync report expiring", () => {
  it("prints one line of JSON on stdout with --json, a table without, and exits 2 on a bad --within", async () => {
    const db = await createTestDatabase();
    await db.query(
      `INSERT INTO files (id, object, filename, bytes, purpose, created_at, expires_at, metadata,
                          first_seen_at, last_changed_at, last_seen_at)
       VALUES ('file-cli', 'file', 'cli.jsonl', 2048, 'batch_output', now(),
               now() + interval '3 hours 12 minutes 30 seconds', '{}', now(), now(), now())`,
    );
    const env = { DATABASE_URL: db.url };
    const json = await runCliProcess(["report", "expiring", "--json"], env);
    expect(json.code).toBe(0);
    expect(json.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      within_ms: 86_400_000,
      files: [{ id: "file-cli", bytes: 2048, purpose: "batch_output" }],
    });
    const table = await runCliProcess(["report", "expiring", "--within", "6h"], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^EXPIRES\s+EXPIRES AT \(UTC\)\s+SIZE/m);
    expect(table.stdout).toMatch(
      /in 3h 12m .* 2\.0 KiB {2}batch_output {2}no {8}file-cli {2}cli\.jsonl/,
    );
    const bad = await runCliProcess(["report", "expiring", "--within", "soon"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--within");
  }, 60_000);
});
