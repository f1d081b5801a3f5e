import type pg from "pg";

/** One sync run as sync_run_summary shows it. */
export interface RunSummary {
  id: number;
  trigger: string;
  /** `running`, `succeeded`, `failed`, `guarded` or `skipped`. */
  status: string;
  /** The status with its reason: `failed: auth`, `guarded: held back 12`, ... */
  outcome: string;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  filesSeen: number;
  created: number;
  updated: number;
  disappeared: number;
  reappeared: number;
  invalid: number;
  guarded: number;
  errorCode: string | null;
  error: string | null;
  /** Milliseconds since the previous run started; null for the first run. */
  gapMs: number | null;
}

export interface RecentRunsReport {
  /** How many runs were asked for. */
  last: number;
  /** Latest first. */
  runs: RunSummary[];
}

export const listRecentRunsSql = `
SELECT id, trigger, status, outcome, started_at, finished_at, duration_ms, files_seen, created,
       updated, disappeared, reappeared, invalid, guarded, error_code, error,
       floor(extract(epoch FROM gap_since_previous) * 1000)::bigint AS gap_ms
  FROM sync_run_summary
 ORDER BY started_at DESC, id DESC
 LIMIT $1
`;

/** The latest `last` sync runs, latest first. */
export async function listRecentRuns(
  pool: Pick<pg.Pool, "query">,
  options: { last: number },
): Promise<RecentRunsReport> {
  const { rows } = await pool.query<{
    id: number;
    trigger: string;
    status: string;
    outcome: string;
    started_at: Date;
    finished_at: Date | null;
    duration_ms: number | null;
    files_seen: number;
    created: number;
    updated: number;
    disappeared: number;
    reappeared: number;
    invalid: number;
    guarded: number;
    error_code: string | null;
    error: string | null;
    gap_ms: number | null;
  }>(listRecentRunsSql, [options.last]);
  return {
    last: options.last,
    runs: rows.map((r) => ({
      id: r.id,
      trigger: r.trigger,
      status: r.status,
      outcome: r.outcome,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      durationMs: r.duration_ms,
      filesSeen: r.files_seen,
      created: r.created,
      updated: r.updated,
      disappeared: r.disappeared,
      reappeared: r.reappeared,
      invalid: r.invalid,
      guarded: r.guarded,
      errorCode: r.error_code,
      error: r.error,
      gapMs: r.gap_ms === null ? null : Number(r.gap_ms),
    })),
  };
}
