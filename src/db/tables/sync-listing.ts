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

/** Leaves only these ids of the run's staged files (a probe, under a savepoint it rolls back). */
export async function keepOnlyStagedFiles(
  db: Db,
  runId: number,
  ids: readonly string[],
): Promise<void> {
  await db.$executeRaw`
    DELETE FROM sync_listing
     WHERE run_id = ${runId}::int AND NOT (id = ANY(${[...ids]}::text[]))`;
}

/** Moves staged files the database refused to the run's seen-but-invalid ids. */
export async function leaveOutStagedFiles(
  db: Db,
  runId: number,
  ids: readonly string[],
): Promise<void> {
  await db.$executeRaw`
    DELETE FROM sync_listing WHERE run_id = ${runId}::int AND id = ANY(${[...ids]}::text[])`;
  await db.$executeRaw`
    INSERT INTO sync_seen_invalid (run_id, position, id)
    SELECT ${runId}::int,
           coalesce((SELECT max(position) FROM sync_seen_invalid WHERE run_id = ${runId}::int), 0) + n, id
      FROM unnest(${[...ids]}::text[]) WITH ORDINALITY AS t(id, n)`;
}
