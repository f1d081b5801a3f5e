import type { Db } from "../prisma.js";
import { stagingLockKey } from "../sync-session.js";

// sync_listing and sync_seen_invalid: the run's staged listing. COPY fills them on the sync's own
// session (src/db/stage-listing.ts); these are the statements of the apply transaction on them.

/**
 * Holds the staging lock until the transaction ends, so the staged rows cannot be emptied under
 * the apply (see stagingLockKey).
 */
export async function lockStaging(db: Db): Promise<void> {
  await db.$queryRaw`SELECT pg_advisory_xact_lock(${stagingLockKey}::bigint)::text`;
}

/** Leaves only the run's staged files at positions [start, end) (a probe, under a savepoint). */
export async function keepOnlyStagedPositions(
  db: Db,
  runId: number,
  positions: { start: number; end: number },
): Promise<void> {
  await db.$executeRaw`
    DELETE FROM sync_listing
     WHERE run_id = ${runId}::int
       AND NOT (position >= ${positions.start}::int AND position < ${positions.end}::int)`;
}

/** The staged files at these positions: id and where the listing had them. */
export async function findStagedFiles(
  db: Db,
  runId: number,
  positions: readonly number[],
): Promise<{ position: number; id: string; page: number; item: number }[]> {
  return db.syncListing.findMany({
    where: { runId, position: { in: [...positions] } },
    select: { position: true, id: true, page: true, item: true },
  });
}

/** Moves staged files the database refused to the run's seen-but-invalid ids. */
export async function leaveOutStagedFiles(
  db: Db,
  runId: number,
  positions: readonly number[],
): Promise<void> {
  await db.$executeRaw`
    WITH moved AS (
      DELETE FROM sync_listing
       WHERE run_id = ${runId}::int AND position = ANY(${[...positions]}::int[])
      RETURNING id
    )
    INSERT INTO sync_seen_invalid (run_id, position, id)
    SELECT ${runId}::int,
           coalesce((SELECT max(position) FROM sync_seen_invalid WHERE run_id = ${runId}::int), 0)
             + row_number() OVER (), id
      FROM moved`;
}
