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
 * today from the versions; the answer is the same either way.
 */
export async function listDailyStats(
  prisma: PrismaClient,
  options: { days: number },
): Promise<DailyStatsReport> {
  await rollUpClosedDays(prisma);
  return { days: options.days, stats: await listDailyStatRows(prisma, options.days) };
}
