import { hostname } from "node:os";
import type { RunCoordinator } from "node-cron";
import type { Db } from "../db/prisma.js";
import { claimCronFire, completeCronFire, deleteCronFiresBefore } from "../db/tables/cron-fires.js";

/**
 * node-cron's distributed coordination backed by Postgres: every replica computes the same key
 * for a fire (task name + scheduled time); the one whose insert wins the primary key runs it. A
 * database error makes node-cron skip the fire (fail-closed); the next fire tries again.
 */
export function makePostgresRunCoordinator(db: Db): RunCoordinator {
  const claimedBy = `${hostname()}:${process.pid}`;
  return {
    shouldRun: (key: string) => claimCronFire(db, key, claimedBy),
    onComplete: (key: string) => completeCronFire(db, key, new Date()),
  };
}

/** Old fires are only bookkeeping; keep a week. */
export async function pruneCronFires(db: Db, now = new Date()): Promise<void> {
  await deleteCronFiresBefore(db, new Date(now.getTime() - 7 * 86_400_000));
}
