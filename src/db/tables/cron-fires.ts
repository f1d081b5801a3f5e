import type { Db } from "../prisma.js";

// cron_fires: one row per scheduled fire a worker replica claimed (see worker/run-coordinator.ts).

/** Claims a fire for `claimedBy`; false when another replica's claim of the same key won. */
export async function claimCronFire(db: Db, key: string, claimedBy: string): Promise<boolean> {
  const { count } = await db.cronFire.createMany({
    data: [{ key, claimedBy }],
    skipDuplicates: true,
  });
  return count === 1;
}

export async function completeCronFire(db: Db, key: string, at: Date): Promise<void> {
  await db.cronFire.update({ where: { key }, data: { completedAt: at } });
}

/** Deletes fires claimed before `before`. */
export async function deleteCronFiresBefore(db: Db, before: Date): Promise<number> {
  const { count } = await db.cronFire.deleteMany({ where: { claimedAt: { lt: before } } });
  return count;
}
