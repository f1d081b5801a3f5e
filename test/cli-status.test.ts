import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { registerSinks } from "../src/db/tables/event-sinks.js";
import { insertEvent } from "./helpers/events-fixtures.js";
import { runCliProcess } from "./helpers/run-cli.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";

const latestMigration = readdirSync(new URL("../prisma/migrations/", import.meta.url))
  .filter((name) => /^\d/.test(name))
  .sort()
  .at(-1);

/** The URL with a password: trust authentication ignores it, and status must never print it. */
function withPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = "status-secret-pw-4711";
  return parsed.toString();
}

async function addRun(db: TestDatabase, status: string, startedAgo: string): Promise<void> {
  await db.query(
    `INSERT INTO sync_runs (trigger, status, started_at, finished_at, files_seen, duration_ms)
     VALUES ('manual', $1, now() - $2::interval, now() - $2::interval, 3, 120)`,
    [status, startedAgo],
  );
}

async function addFiles(db: TestDatabase): Promise<void> {
  await db.query(
    `INSERT INTO files (id, object, filename, bytes, purpose, created_at, expires_at, metadata, status,
                        first_seen_at, last_changed_at, last_seen_at)
     SELECT 'file-' || g, 'file', 'f' || g || '.jsonl', 10, 'batch', now(),
            CASE WHEN g = 1 THEN now() + interval '2 hours' END, '{}',
            CASE WHEN g = 3 THEN 'disappeared' ELSE 'active' END, now(), now(), now()
       FROM generate_series(1, 3) g`,
  );
}

describe("novita-file-sync status", () => {
  it("on a healthy mirror prints what an operator checks first and exits 0", async () => {
    const db = await createTestDatabase();
    await addRun(db, "failed", "10 minutes");
    await addRun(db, "succeeded", "2 minutes");
    await addFiles(db);
    await registerSinks(db.prisma, ["webhook:example.test/abc123abc123"], new Date());
    const event = await insertEvent(db, { fileId: "file-1" });
    await db.query("UPDATE event_deliveries SET status = 'dead' WHERE event_id = $1", [event.id]);
    await insertEvent(db, { fileId: "file-2" });
    const env = { DATABASE_URL: withPassword(db.url), EXPIRY_WARNING_WINDOWS: "24h,1h" };

    const json = await runCliProcess(["status", "--json"], env);
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
    expect(json.stdout.trimEnd().split("\n")).toHaveLength(1);
    const status = JSON.parse(json.stdout);
    expect(status).toMatchObject({
      healthy: true,
      database: db.url,
      schema: { latest_migration: latestMigration },
      checks: {
        database: { ok: true },
        migrations: { ok: true },
        last_successful_sync: { ok: true },
      },
      files_by_status: { active: 2, disappeared: 1 },
      expiring: { within_ms: 86_400_000, count: 1 },
      dead_deliveries: 1,
      sinks: [{ sink: "webhook:example.test/abc123abc123", pending: 1, dead: 1 }],
    });
    expect(status.last_runs.map((r: { status: string }) => r.status)).toEqual([
      "succeeded",
      "failed",
    ]);
    expect(status.next_fires.syncs).toMatchObject({ schedule: "*/5 * * * *", timezone: "UTC" });
    expect(status.next_fires.syncs.at).toHaveLength(3);
    expect(new Date(status.next_fires.syncs.at[0]).getTime()).toBeGreaterThan(Date.now() - 60_000);

    expect(status.at_risk).toBeNull(); // archiving is off
    expect(Object.keys(status.next_fires)).toEqual(["syncs", "expiry scans", "prunes"]);

    // With archiving on, the files expiring within the tightest window and not archived.
    const archiving = await runCliProcess(["status", "--json"], {
      ...env,
      EXPIRY_WARNING_WINDOWS: "24h,3h",
      ARCHIVE_PURPOSES: "batch",
    });
    expect(archiving.code).toBe(0);
    const archivingStatus = JSON.parse(archiving.stdout);
    expect(archivingStatus.at_risk).toEqual({ within_ms: 3 * 3_600_000, count: 1 });
    expect(archivingStatus.next_fires["archive passes"].at).toHaveLength(3);
    const archivingTable = await runCliProcess(["status"], {
      ...env,
      EXPIRY_WARNING_WINDOWS: "24h,3h",
      ARCHIVE_PURPOSES: "batch",
    });
    expect(archivingTable.stdout).toMatch(/At risk: +1 expiring within 3h and not archived/);

    const table = await runCliProcess(["status"], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Health: +ready\nDatabase: +postgresql:\/\/postgres@/);
    expect(table.stdout).toMatch(/Files: +2 active, 1 disappeared/);
    expect(table.stdout).toMatch(/Next syncs: +\d{4}-\d{2}-\d{2} \d{2}:\d{2}:00 UTC/);
    expect(table.stdout).toMatch(/Dead deliveries: +1/);
    expect(table.stdout).toContain("Latest 2 runs: 1 succeeded, 1 failed");
    expect(`${json.stdout}${table.stdout}${table.stderr}`).not.toContain("status-secret-pw-4711");
  }, 60_000);

  it("exits 1 when the last success is older than SYNC_STALE_AFTER, as /readyz would fail", async () => {
    const db = await createTestDatabase();
    await addRun(db, "succeeded", "2 hours");
    const result = await runCliProcess(["status"], {
      DATABASE_URL: db.url,
      SYNC_STALE_AFTER: "30m",
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^Health: +NOT READY: last successful sync 2h( \d+s)? ago, older than SYNC_STALE_AFTER \(30m\)/,
    );
    const json = await runCliProcess(["status", "--json"], {
      DATABASE_URL: db.url,
      SYNC_STALE_AFTER: "3h",
    });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).healthy).toBe(true);
  }, 60_000);

  it("on a database that is not set up says so and what to run, and does not migrate it", async () => {
    const db = await createTestDatabase({ migrated: false });
    const result = await runCliProcess(["status", "--json"], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("is not set up for novita-file-sync");
    expect(result.stderr).toContain("Run `novita-file-sync migrate` first");
    expect(await db.query("SELECT 1 FROM pg_tables WHERE schemaname = 'public'")).toEqual([]);
  }, 30_000);
});
