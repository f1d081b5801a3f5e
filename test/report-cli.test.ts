import { beforeAll, describe, expect, it } from "vitest";
import { runReportCli } from "./helpers/report-cli.js";
import { timelineFiles as f, seedReportTimeline, utcDay } from "./helpers/report-timeline.js";
import { type SyncScenario, startSyncScenario } from "./helpers/sync-scenario.js";
import { createTestDatabase } from "./helpers/test-database.js";

describe("novita-file-sync report <name>", () => {
  let s: SyncScenario;
  beforeAll(async () => {
    s = await startSyncScenario();
    await seedReportTimeline(s);
  });

  it("disappeared --since 3d --json prints one JSON document of the disappearances and exits 0", async () => {
    const result = await runReportCli(["disappeared", "--since", "3d", "--json"], s.db.url);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.files.map((file: { id: string }) => file.id)).toEqual([f.c, f.b, f.e]);
  });

  it("disappeared --since accepts an ISO time", async () => {
    const since = utcDay(-2, 12).toISOString();
    const result = await runReportCli(["disappeared", "--since", since], s.db.url);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("1 disappearance since");
    expect(result.stdout).toContain(f.c);
  });

  it("runs --last 2 prints the latest two runs as a table", async () => {
    const result = await runReportCli(["runs", "--last", "2"], s.db.url);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Latest 2 runs: 2 succeeded\n\nRUN +STARTED \(UTC\)/);
  });

  it("history <file-id> --json prints the file and its versions", async () => {
    const result = await runReportCli(["history", f.b, "--json"], s.db.url);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.versions.map((v: { change: string }) => v.change)).toEqual([
      "created",
      "disappeared",
      "reappeared",
    ]);
  });

  it("history of an unknown file says so on stderr and exits 1", async () => {
    const result = await runReportCli(["history", "file-ffffffffffffffffffffffff"], s.db.url);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("No file file-ffffffffffffffffffffffff in the mirror.");
    expect(result.stdout).toBe("");
  });

  it("stats --days 2 prints two days per purpose", async () => {
    const result = await runReportCli(["stats", "--days", "2"], s.db.url);
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split("\n")).toHaveLength(3 + 4);
  });

  it("exits 2 and names the problem for a bad --days or --since", async () => {
    const [days, since] = await Promise.all([
      runReportCli(["stats", "--days", "0"], s.db.url),
      runReportCli(["disappeared", "--since", "yesterday"], s.db.url),
    ]);
    expect(days.code).toBe(2);
    expect(days.stderr).toContain("--days");
    expect(since.code).toBe(2);
    expect(since.stderr).toContain("is neither a duration");
  });
});

describe("novita-file-sync report on a database that is not migrated yet", () => {
  it("does not migrate it: says so on stderr, names the command to run, exits 1", async () => {
    const db = await createTestDatabase({ migrated: false });
    const result = await runReportCli(["runs", "--json"], db.url);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("is not set up for novita-file-sync");
    expect(result.stderr).toContain("Run `novita-file-sync migrate` first");
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(await db.query("SELECT 1 FROM pg_tables WHERE schemaname = 'public'")).toEqual([]);
  });

  it("on a migrated database with nothing in it, prints the report alone on stdout", async () => {
    const db = await createTestDatabase();
    const result = await runReportCli(["runs", "--json"], db.url);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ last: 20, runs: [] });
    const table = await runReportCli(["stats"], db.url);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe("No file history in the last 7 days.\n");
  });
});
