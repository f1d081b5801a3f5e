import { beforeAll, expect, it } from "vitest";
import { findLatestAppliedRun } from "../src/db/tables/sync-runs.js";
import { silentLogger } from "../src/logging/logger.js";
import { getFileHistory } from "../src/report/get-file-history.js";
import { listDailyStats } from "../src/report/list-daily-stats.js";
import { listDisappearedFiles } from "../src/report/list-disappeared-files.js";
import { listRecentRuns } from "../src/report/list-recent-runs.js";
import { pruneOnce } from "../src/retention/index.js";
import { registerSinks, seedEvents } from "./helpers/outbox-seed.js";
import { runReportCli } from "./helpers/report-cli.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";

const day = 86_400_000;
const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms);

let db: TestDatabase;
let oldRuns: number[];

async function insertRun(status: string, startedAt: Date): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO sync_runs (trigger, status, started_at, finished_at, duration_ms)
     VALUES ('cron', $1, $2, $2, 10) RETURNING id`,
    [status, startedAt],
  );
  return row!.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await registerSinks(db, ["webhook:a"]);
  // 200 days ago: a run that created a file and one that saw it disappear, then more old runs;
  // the newest failed and skipped runs are old too, so retention must keep them.
  const created = await insertRun("succeeded", ago(200 * day));
  const gone = await insertRun("succeeded", ago(199 * day));
  const failed = await insertRun("failed", ago(150 * day));
  const skipped = await insertRun("skipped", ago(150 * day - 1000));
  oldRuns = [created, gone, failed, skipped];
  await insertRun("succeeded", ago(5 * day));
  await db.query(
    `INSERT INTO files (id, object, filename, bytes, purpose, created_at, metadata, status,
                        first_seen_at, last_changed_at, last_seen_at, disappeared_at, version)
     VALUES ('file-old', 'file', 'a.jsonl', 5, 'batch', $1, '{}', 'disappeared', $1, $2, $1, $2, 2)`,
    [ago(200 * day), ago(199 * day)],
  );
  await db.query(
    `INSERT INTO file_versions (file_id, version, valid_from, valid_to, object, filename, bytes,
                                purpose, created_at, metadata, status, change, sync_run_id)
     VALUES ('file-old', 1, $1, $2, 'file', 'a.jsonl', 5, 'batch', $1, '{}', 'active', 'created', $3),
            ('file-old', 2, $2, NULL, 'file', 'a.jsonl', 5, 'batch', $1, '{}', 'disappeared', 'disappeared', $4)`,
    [ago(200 * day), ago(199 * day), created, gone],
  );
  await seedEvents(db, { count: 3, at: ago(20 * day), status: "pending", runId: gone });
});

it("deletes old runs but keeps the latest of each status, and every view and report still works", async () => {
  const result = await pruneOnce({
    prisma: db.prisma,
    eventRetentionMs: 30 * day,
    runRetentionMs: 90 * day,
    expiryWindowsMs: [day],
    logger: silentLogger,
  });

  expect(result.runs).toBe(2);
  const kept = await db.query<{ id: number; status: string }>(
    "SELECT id, status FROM sync_runs ORDER BY id",
  );
  expect(kept.map((r) => r.status)).toEqual(["failed", "skipped", "succeeded"]);
  expect(kept.slice(0, 2).map((r) => r.id)).toEqual(oldRuns.slice(2));
  expect((await findLatestAppliedRun(db.prisma))?.startedAt).toEqual(ago(5 * day));
  // History and events stay, pointing at no run.
  expect(await db.query("SELECT version, sync_run_id FROM file_versions ORDER BY version")).toEqual(
    [
      { version: 1, sync_run_id: null },
      { version: 2, sync_run_id: null },
    ],
  );
  expect(await db.query("SELECT DISTINCT sync_run_id FROM events")).toEqual([
    { sync_run_id: null },
  ]);

  for (const view of ["file_overview", "file_history", "file_daily_stats", "sync_run_summary"]) {
    expect((await db.query(`SELECT count(*)::int AS n FROM ${view}`))[0]!.n).toBeGreaterThan(0);
  }
  const history = await getFileHistory(db.prisma, "file-old");
  expect(history.versions.map((v) => [v.version, v.syncRunId])).toEqual([
    [1, null],
    [2, null],
  ]);
  expect((await listRecentRuns(db.prisma, { last: 10 })).runs).toHaveLength(3);
  expect((await listDisappearedFiles(db.prisma, { since: ago(365 * day) })).files).toHaveLength(1);
  const stats = await listDailyStats(db.prisma, { days: 400 });
  expect(stats.stats.find((s) => s.created > 0)?.created).toBe(1);

  const rendered = await runReportCli(["history", "file-old"], db.url);
  expect(rendered.code).toBe(0);
  expect(rendered.stdout).toContain("a.jsonl");
});
