import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";

/** What the tables say, read with plain SQL. */
export interface DemoCounts {
  /** Events written to the outbox (`events`) by type: what the worker decided. */
  written: Record<string, number>;
  /** `file.disappeared` events in the outbox by data.reason (`deleted`, `expired`). */
  disappearedBy: Record<string, number>;
  /** Rows of `files` by status. */
  filesByStatus: Record<string, number>;
  /** Rows of `sync_runs` by status. */
  runsByStatus: Record<string, number>;
  readAt: Date;
}

export async function readDemoCounts(pool: pg.Pool): Promise<DemoCounts> {
  const count = async (sql: string) => {
    const { rows } = await pool.query<{ key: string; n: number }>(sql);
    return Object.fromEntries(rows.map((r) => [r.key, r.n]));
  };
  return {
    written: await count(
      "SELECT type AS key, count(*)::int AS n FROM events GROUP BY type ORDER BY type",
    ),
    disappearedBy: await count(
      `SELECT data->>'reason' AS key, count(*)::int AS n FROM events
        WHERE type = 'file.disappeared' GROUP BY 1 ORDER BY 1`,
    ),
    filesByStatus: await count(
      "SELECT status AS key, count(*)::int AS n FROM files GROUP BY status ORDER BY status",
    ),
    runsByStatus: await count(
      "SELECT status AS key, count(*)::int AS n FROM sync_runs GROUP BY status ORDER BY status",
    ),
    readAt: new Date(),
  };
}

/**
 * Reads the counts every `everyMs` until stopped, keeping the latest. Ctrl-C in a terminal also
 * reaches the embedded PostgreSQL (same process group), which then shuts down at once: the
 * summary falls back to the last counts read.
 */
export function watchDemoCounts(
  pool: pg.Pool,
  everyMs: number,
): { latest(): DemoCounts | undefined; stop(): Promise<void> } {
  const stopping = new AbortController();
  let latest: DemoCounts | undefined;
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      latest = await readDemoCounts(pool).catch(() => latest);
      await sleep(everyMs, undefined, { signal: stopping.signal }).catch(() => {});
    }
  })();
  return {
    latest: () => latest,
    stop: async () => {
      stopping.abort();
      await loop;
    },
  };
}
