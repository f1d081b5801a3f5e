import type { RunCounts } from "../../sync/run-counts.js";
import type { SyncTrigger } from "../../sync/sync-settings.js";
import { type Db, Prisma } from "../prisma.js";

// sync_runs: the run's lifecycle and the reads. A run opens through the model API (started_at is
// the column's default, the database's now()). Every other write stamps finished_at and
// duration_ms with the database's clock, never the worker's (which may be skewed), and the model
// API can only write values the client sends: those are tagged statements on one row by id.

/** Opens the run's row as `running`; its started_at (database time) is the run's clock. */
export async function openRun(
  db: Db,
  trigger: SyncTrigger,
): Promise<{ id: number; startedAt: Date }> {
  return db.syncRun.create({
    data: { trigger, status: "running" },
    select: { id: true, startedAt: true },
  });
}

/** Records a run that did not start because another process holds the sync lock. */
export async function recordSkippedRun(db: Db, trigger: SyncTrigger): Promise<number> {
  const [row] = await db.$queryRaw<{ id: number }[]>`
    INSERT INTO sync_runs (trigger, status, finished_at, duration_ms, error_code, error)
    VALUES (${trigger}, 'skipped', now(), 0, 'locked', 'another sync was running; this one did not start')
    RETURNING id`;
  return row!.id;
}

/**
 * Closes runs left `running` by a process that died (killed, container lost). Only the holder of
 * the sync lock calls this, so any other `running` row is abandoned.
 */
export async function closeAbandonedRuns(db: Db, currentRunId: number): Promise<number> {
  return db.$executeRaw`
    UPDATE sync_runs
       SET status = 'failed', finished_at = now(), error_code = 'abandoned',
           error = 'abandoned: the process running it stopped before it finished (killed or lost); nothing of it was applied',
           duration_ms = (extract(epoch FROM now() - started_at) * 1000)::int
     WHERE status = 'running' AND id <> ${currentRunId}::int`;
}

/** Writes the outcome and counts; called inside the run's transaction for an applied run. */
export async function finishRun(
  db: Db,
  runId: number,
  status: "succeeded" | "guarded",
  counts: RunCounts,
): Promise<void> {
  await db.$executeRaw`
    UPDATE sync_runs
       SET status = ${status}, finished_at = clock_timestamp(),
           duration_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::int,
           files_seen = ${counts.filesSeen}::int, created = ${counts.created}::int,
           updated = ${counts.updated}::int, disappeared = ${counts.disappeared}::int,
           reappeared = ${counts.reappeared}::int, invalid = ${counts.invalid}::int,
           guarded = ${counts.guarded}::int
     WHERE id = ${runId}::int`;
}

/** Marks a run failed with its reason; nothing of it was applied. */
export async function failRun(
  db: Db,
  runId: number,
  failure: { errorCode: string; message: string; invalid: number },
): Promise<void> {
  await db.$executeRaw`
    UPDATE sync_runs
       SET status = 'failed', finished_at = clock_timestamp(), error_code = ${failure.errorCode},
           error = ${failure.message}, invalid = ${failure.invalid}::int,
           duration_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::int
     WHERE id = ${runId}::int`;
}

/** The statuses of a run whose listing was applied: `succeeded`, or `guarded` (applied, some held back). */
export const appliedRunStatuses = ["succeeded", "guarded"] as const;

/**
 * The latest applied run: the last listing the mirror took in. Readiness, the last-success gauge
 * and the worker's startup (catch-up) decision all mean this, and so does the sync's "last seen" of a
 * newly missing file. `excludingRunId` leaves out a run in progress (the one asking).
 */
export async function findLatestAppliedRun(
  db: Db,
  options: { excludingRunId?: number } = {},
): Promise<{ id: number; startedAt: Date } | null> {
  return db.syncRun.findFirst({
    where: {
      status: { in: [...appliedRunStatuses] },
      ...(options.excludingRunId === undefined ? {} : { id: { not: options.excludingRunId } }),
    },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    select: { id: true, startedAt: true },
  });
}

/** Runs by status. */
export async function countRunsByStatus(db: Db): Promise<{ status: string; count: number }[]> {
  const groups = await db.syncRun.groupBy({ by: ["status"], _count: { _all: true } });
  return groups.map((g) => ({ status: g.status, count: g._count._all }));
}

/** One sync run as the view sync_run_summary shows it. */
export interface RunSummary extends RunCounts {
  id: number;
  trigger: string;
  /** `running`, `succeeded`, `failed`, `guarded` or `skipped`. */
  status: string;
  /** The status with its reason: `failed: auth`, `guarded: held back 12`, ... */
  outcome: string;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  errorCode: string | null;
  error: string | null;
  /** Milliseconds since the previous run started; null for the first run. */
  gapMs: number | null;
}

/** The query behind listRunSummaries (bench/reporting-views.ts times it). */
export const runSummariesQuery = (last: number) => Prisma.sql`
SELECT id, trigger, status, outcome, started_at AS "startedAt", finished_at AS "finishedAt",
       duration_ms AS "durationMs", files_seen AS "filesSeen", created, updated, disappeared,
       reappeared, invalid, guarded, error_code AS "errorCode", error,
       floor(extract(epoch FROM gap_since_previous) * 1000)::bigint AS "gapMs"
  FROM sync_run_summary
 ORDER BY started_at DESC, id DESC
 LIMIT ${last}::int`;

/**
 * The latest `last` runs, latest first, from the view sync_run_summary (a view is no Prisma
 * model, so a tagged query reads it; the view itself is the analysts' interface).
 */
export async function listRunSummaries(db: Db, last: number): Promise<RunSummary[]> {
  const rows = await db.$queryRaw<(Omit<RunSummary, "gapMs"> & { gapMs: bigint | null })[]>(
    runSummariesQuery(last),
  );
  return rows.map((r) => ({ ...r, gapMs: r.gapMs === null ? null : Number(r.gapMs) }));
}
