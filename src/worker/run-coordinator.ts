import { hostname } from "node:os";
import type { RunCoordinator } from "node-cron";
import type pg from "pg";

/**
 * node-cron's distributed coordination backed by Postgres: every replica computes the same key
 * for a fire (task name + scheduled time); the one whose INSERT wins runs it. A database error
 * makes node-cron skip the fire (fail-closed); the next fire tries again.
 */
export function makePostgresRunCoordinator(pool: pg.Pool): RunCoordinator {
  const replica = `${hostname()}:${process.pid}`;
  return {
    async shouldRun(key: string): Promise<boolean> {
      const { rowCount } = await pool.query(
        `INSERT INTO cron_fires (key, claimed_by) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
        [key, replica],
      );
      return rowCount === 1;
    },
    async onComplete(key: string): Promise<void> {
      await pool.query("UPDATE cron_fires SET completed_at = now() WHERE key = $1", [key]);
    },
  };
}

/** Old fires are only bookkeeping; keep a week. */
export async function pruneCronFires(pool: pg.Pool): Promise<void> {
  await pool.query("DELETE FROM cron_fires WHERE claimed_at < now() - interval '7 days'");
}
