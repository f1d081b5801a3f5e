import type pg from "pg";

/** One UTC day and purpose of file_daily_stats. */
export interface DailyStat {
  /** `2026-11-27` (UTC). */
  day: string;
  purpose: string;
  /** Files held at the end of the day (today: now). */
  files: number;
  /** Their bytes; a string beyond Number.MAX_SAFE_INTEGER (as pg returns bigint). */
  bytes: number | string;
  created: number;
  reappeared: number;
  disappeared: number;
  /** Of the disappeared, those whose expires_at had passed. */
  expired: number;
  /** Of the disappeared, the others. */
  deleted: number;
}

export interface DailyStatsReport {
  days: number;
  /** Oldest day first, purposes in alphabetical order. */
  stats: DailyStat[];
}

// The day is sent as text: pg would turn a date into a JavaScript Date at local midnight.
export const listDailyStatsSql = `
SELECT day::text AS day, purpose, files, bytes, created, reappeared, disappeared, expired, deleted
  FROM file_daily_stats
 WHERE day > (now() AT TIME ZONE 'UTC')::date - $1::int
 ORDER BY day, purpose
`;

/** The last `days` UTC days of file_daily_stats, today included. */
export async function listDailyStats(
  pool: Pick<pg.Pool, "query">,
  options: { days: number },
): Promise<DailyStatsReport> {
  const { rows } = await pool.query<DailyStat>(listDailyStatsSql, [options.days]);
  return { days: options.days, stats: rows };
}
