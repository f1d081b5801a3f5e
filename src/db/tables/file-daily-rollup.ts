import type { PrismaClient } from "../prisma.js";

// file_daily_rollup: the closed UTC days of file_daily_stats, kept once (migration
// 20261130000500). The view computes the days after the rollup live, so rolling up only makes it
// cheaper, never different: the worker does it on RETENTION_SCHEDULE and `report stats` before
// it reads.

export interface RollUpResult {
  /** The last day now in the rollup (null: nothing can be rolled up yet). */
  rolledThrough: string | null;
  /** Rows (day and purpose) added by this call. */
  rows: number;
}

/**
 * Rolls up every closed day not yet in file_daily_rollup, in one short transaction. A day is
 * closed when it is before today (UTC) and before the day a still-running sync run started on:
 * such a run dates its versions by its start, so it may still write into that day. The state
 * row is locked first, so two replicas (or a report and the worker) never roll up the same days;
 * the second finds them done.
 */
export async function rollUpClosedDays(prisma: PrismaClient): Promise<RollUpResult> {
  return prisma.$transaction(
    async (tx) => {
      const [state] = await tx.$queryRaw<
        { rolled_through: string | null; target: string | null }[]
      >`
      SELECT s.rolled_through::text AS rolled_through,
             (least((now() AT TIME ZONE 'UTC')::date,
                   (SELECT (min(r.started_at) AT TIME ZONE 'UTC')::date FROM sync_runs r
                     WHERE r.status = 'running'))::date - 1)::text AS target
        FROM file_daily_rollup_state s
         FOR UPDATE OF s`;
      const from = state?.rolled_through ?? null;
      const target = state?.target ?? null;
      if (target === null || (from !== null && from >= target)) {
        return { rolledThrough: from, rows: 0 };
      }
      const rows = await tx.$executeRaw`
      INSERT INTO file_daily_rollup (day, purpose, files_delta, bytes_delta, created, reappeared,
                                     disappeared, expired)
      SELECT d.day, d.purpose, d.files_delta, d.bytes_delta, d.created, d.reappeared,
             d.disappeared, d.expired
        FROM file_daily_deltas(coalesce(${from}::date + 1, '-infinity'::date)) AS d
       WHERE d.day <= ${target}::date`;
      await tx.$executeRaw`UPDATE file_daily_rollup_state SET rolled_through = ${target}::date`;
      return { rolledThrough: target, rows };
      // The first roll-up of a long history reads all of it once (seconds for a year).
    },
    { timeout: 120_000 },
  );
}
