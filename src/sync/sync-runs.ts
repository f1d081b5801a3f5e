import type pg from "pg";
import type { SyncTrigger } from "./sync-settings.js";

export interface RunCounts {
  filesSeen: number;
  created: number;
  updated: number;
  disappeared: number;
  reappeared: number;
  invalid: number;
  guarded: number;
}

export const emptyCounts: RunCounts = {
  filesSeen: 0,
  created: 0,
  updated: 0,
  disappeared: 0,
  reappeared: 0,
  invalid: 0,
  guarded: 0,
};

/** Opens the run's row as `running`; its started_at (database time) is the run's clock. */
export async function openRun(
  client: pg.ClientBase,
  trigger: SyncTrigger,
): Promise<{ id: number; startedAt: Date }> {
  const { rows } = await client.query<{ id: number; started_at: Date }>(
    "INSERT INTO sync_runs (trigger, status) VALUES ($1, 'running') RETURNING id, started_at",
    [trigger],
  );
  const row = rows[0]!;
  return { id: row.id, startedAt: row.started_at };
}

/** Records a run that did not start because another process holds the sync lock. */
export async function recordSkippedRun(
  client: pg.ClientBase,
  trigger: SyncTrigger,
): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO sync_runs (trigger, status, finished_at, duration_ms, error_code, error)
     VALUES ($1, 'skipped', now(), 0, 'locked', 'another sync was running; this one did not start')
     RETURNING id`,
    [trigger],
  );
  return rows[0]!.id;
}

/**
 * Closes runs left `running` by a process that died (killed, container lost). Only the holder of
 * the sync lock calls this, so any other `running` row is abandoned.
 */
export async function closeAbandonedRuns(
  client: pg.ClientBase,
  currentRunId: number,
): Promise<number> {
  const { rowCount } = await client.query(
    `UPDATE sync_runs
        SET status = 'failed', finished_at = now(), error_code = 'abandoned',
            error = 'abandoned: the process running it stopped before it finished (killed or lost); nothing of it was applied',
            duration_ms = (extract(epoch FROM now() - started_at) * 1000)::int
      WHERE status = 'running' AND id <> $1`,
    [currentRunId],
  );
  return rowCount ?? 0;
}

/** Writes the outcome and counts; called inside the run's transaction for an applied run. */
export async function finishRun(
  client: pg.ClientBase,
  runId: number,
  status: "succeeded" | "guarded",
  counts: RunCounts,
): Promise<void> {
  await client.query(
    `UPDATE sync_runs
        SET status = $2, finished_at = clock_timestamp(),
            duration_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::int,
            files_seen = $3, created = $4, updated = $5, disappeared = $6, reappeared = $7,
            invalid = $8, guarded = $9
      WHERE id = $1`,
    [
      runId,
      status,
      counts.filesSeen,
      counts.created,
      counts.updated,
      counts.disappeared,
      counts.reappeared,
      counts.invalid,
      counts.guarded,
    ],
  );
}

/** Marks a run failed with its reason; nothing of it was applied. */
export async function failRun(
  client: pg.ClientBase | pg.Pool,
  runId: number,
  errorCode: string,
  message: string,
  invalid: number,
): Promise<void> {
  await client.query(
    `UPDATE sync_runs
        SET status = 'failed', finished_at = clock_timestamp(), error_code = $2, error = $3, invalid = $4,
            duration_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::int
      WHERE id = $1`,
    [runId, errorCode, message, invalid],
  );
}
