import { hostname } from "node:os";
import type { RunCoordinator } from "node-cron";
import type { PrismaClient } from "../db/prisma.js";

/**
 * node-cron's distributed coordination backed by Postgres: every replica computes the same key
 * for a fire (task name + scheduled time); the one whose insert wins the primary key runs it. A
 * database error makes node-cron skip the fire (fail-closed); the next fire tries again.
 */
export function makePostgresRunCoordinator(prisma: PrismaClient): RunCoordinator {
  const claimedBy = `${hostname()}:${process.pid}`;
  return {
    async shouldRun(key: string): Promise<boolean> {
      const { count } = await prisma.cronFire.createMany({
        data: [{ key, claimedBy }],
        skipDuplicates: true,
      });
      return count === 1;
    },
    async onComplete(key: string): Promise<void> {
      await prisma.cronFire.update({ where: { key }, data: { completedAt: new Date() } });
    },
  };
}

/** Old fires are only bookkeeping; keep a week. */
export async function pruneCronFires(prisma: PrismaClient, now = new Date()): Promise<void> {
  await prisma.cronFire.deleteMany({
    where: { claimedAt: { lt: new Date(now.getTime() - 7 * 86_400_000) } },
  });
}
