import type { PrismaClient } from "../db/prisma.js";
import { rollUpClosedDays } from "../db/tables/file-daily-rollup.js";
import { type DailyStat, listDailyStats as listDailyStatRows } from "../db/tables/file-versions.js";

export type { DailyStat } from "../db/tables/file-versions.js";

export interface DailyStatsReport {
  days: number;
  /** Oldest day first, purposes in alphabetical order. */
  stats: DailyStat[];
}

/**
 * The last `days` UTC days of file_daily_stats, today included. Closed days missing from the
 * rollup (the worker has not run since midnight) are rolled up first, so the view computes only
 * today from the versions; the answer is the same either way. A role that may only read (SQLSTATE
 * 42501 on the rollup) still gets the right answer, computed live for the missing days.
 */
export async function listDailyStats(
  prisma: PrismaClient,
  options: { days: number },
): Promise<DailyStatsReport> {
  await rollUpClosedDays(prisma).catch((error: unknown) => {
    if (!isPermissionDenied(error)) throw error;
  });
  return { days: options.days, stats: await listDailyStatRows(prisma, options.days) };
}

function isPermissionDenied(error: unknown): boolean {
  const text = `${(error as { code?: unknown })?.code ?? ""} ${(error as Error)?.message ?? ""}`;
  return /42501|permission denied/i.test(text);
}
