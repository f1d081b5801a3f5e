import { type Db, Prisma } from "../prisma.js";

// sync_runs, retention side. Deleting a run sets sync_run_id to null in file_versions and events
// (ON DELETE SET NULL, both indexed); the history itself stays.

/** Every status a run can have: the latest run of each is kept whatever its age. */
const runStatuses = ["running", "succeeded", "failed", "guarded", "skipped"] as const;

/**
 * Runs older than `before` that retention may delete: never a running one, never the latest run
 * of any status. The latest applied run (readiness, the last-success gauge, the startup decision,
 * file_overview's live "last seen") is the latest succeeded or guarded one, so it is among them.
 */
const prunableRuns = (before: Date) => Prisma.sql`
  SELECT r.id FROM sync_runs r
   WHERE r.started_at < ${before}
     AND r.status <> 'running'
     AND r.id NOT IN (
       SELECT latest.id
         FROM unnest(${[...runStatuses]}::text[]) AS s(status)
         CROSS JOIN LATERAL (SELECT l.id FROM sync_runs l WHERE l.status = s.status
                              ORDER BY l.started_at DESC, l.id DESC LIMIT 1) AS latest)`;

/** Deletes up to `limit` prunable runs, oldest first; rows locked by others are skipped. */
export async function pruneRunsBatch(
  db: Db,
  params: { before: Date; limit: number },
): Promise<number> {
  return db.$executeRaw`
    DELETE FROM sync_runs WHERE id IN (
      SELECT p.id FROM (${prunableRuns(params.before)}) AS p
        JOIN sync_runs r ON r.id = p.id
       ORDER BY r.started_at, r.id
       LIMIT ${params.limit}
         FOR UPDATE OF r SKIP LOCKED)`;
}

/** How many runs pruneRunsBatch would delete before `before`, all batches together. */
export async function countPrunableRuns(db: Db, before: Date): Promise<number> {
  const [row] = await db.$queryRaw<{ runs: bigint }[]>`
    SELECT count(*) AS runs FROM (${prunableRuns(before)}) AS p`;
  return Number(row?.runs ?? 0);
}
