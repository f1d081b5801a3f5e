import type { RunCounts } from "../../sync/sync-runs.js";
import { type Db, Prisma } from "../prisma.js";

// sync_runs, read side. The run lifecycle (open, finish, fail) is still written by the sync's own
// pg transaction in src/sync/sync-runs.ts; it moves here with the upsert (issue 15, phase 2).

/** The statuses of a run whose listing was applied: `succeeded`, or `guarded` (applied, some held back). */
export const appliedRunStatuses = ["succeeded", "guarded"] as const;

/**
 * The latest applied run: the last listing the mirror took in. Readiness, the last-success gauge
 * and the worker's startup (catch-up) decision all mean this, and the sync's "last seen" of a
 * newly missing file should (src/sync/apply-missing-files.ts, phase 2). `excludingRunId` leaves out a run in
 * progress (the one asking).
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
