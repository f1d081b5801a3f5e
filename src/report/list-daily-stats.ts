import type { Db } from "../db/prisma.js";
import { type DailyStat, listDailyStats as listDailyStatRows } from "../db/tables/file-versions.js";

export type { DailyStat } from "../db/tables/file-versions.js";

export interface DailyStatsReport {
  days: number;
  /** Oldest day first, purposes in alphabetical order. */
  stats: DailyStat[];
}

/** The last `days` UTC days of file_daily_stats, today included. */
export async function listDailyStats(db: Db, options: { days: number }): Promise<DailyStatsReport> {
  return { days: options.days, stats: await listDailyStatRows(db, options.days) };
}
