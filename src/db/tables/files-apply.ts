import { type Db, Prisma } from "../prisma.js";
import { fileJson, stateColumnList, stateColumnsOf, trackedFields } from "./file-columns.js";

// files: the sync's writes, set-based over the run's staged listing (sync_listing, filled by COPY)
// inside the run's transaction. The temporary tables `changes`, `missing` and `gone` hold the
// run's sets between statements; they are dropped on commit.

/** The run a statement writes for: its id, and its clock (database time at its start). */
export interface RunContext {
  runId: number;
  at: Date;
}

/** True before the first listing was ever applied (the bootstrap run). */
export async function isMirrorEmpty(db: Db): Promise<boolean> {
  return (await db.file.findFirst({ select: { id: true } })) === null;
}

/**
 * Inserts staged files the mirror has never seen, each with its first version and, when
 * `emitEvents`, a file.created event, in one statement. Returns how many.
 */
export async function insertNewFiles(db: Db, run: RunContext, emitEvents: boolean) {
  const at = Prisma.sql`${run.at}::timestamptz`;
  const runId = Prisma.sql`${run.runId}::int`;
  const [row] = await db.$queryRaw<{ n: number }[]>`
    WITH inserted AS (
      INSERT INTO files (id, ${stateColumnList}, status, first_seen_at, last_changed_at,
                         version, missed_runs, last_seen_at)
      SELECT l.id, ${stateColumnsOf("l")}, 'active', ${at}, ${at}, 1, 0, ${at}
        FROM sync_listing l
       WHERE l.run_id = ${runId} AND NOT EXISTS (SELECT 1 FROM files f WHERE f.id = l.id)
      RETURNING *
    ), versions AS (
      INSERT INTO file_versions (file_id, version, valid_from, ${stateColumnList}, status, change, sync_run_id)
      SELECT i.id, 1, ${at}, ${stateColumnsOf("i")}, 'active', 'created', ${runId} FROM inserted i
    ), created_events AS (
      INSERT INTO events (type, file_id, occurred_at, data, sync_run_id)
      SELECT 'file.created', i.id, ${at}, jsonb_build_object('file', ${fileJson("i")}), ${runId}
        FROM inserted i WHERE ${emitEvents}::boolean ORDER BY i.id
    )
    SELECT count(*)::int AS n FROM inserted`;
  return row!.n;
}

const changedFieldsArray = Prisma.raw(
  `array_remove(ARRAY[${trackedFields
    .map((c) => `CASE WHEN f.${c} IS DISTINCT FROM l.${c} THEN '${c}' END`)
    .join(", ")}], NULL)`,
);
const differs = Prisma.raw(
  `(${trackedFields.map((c) => `f.${c}`).join(", ")}) IS DISTINCT FROM (${trackedFields.map((c) => `l.${c}`).join(", ")})`,
);

/**
 * Collects into `changes` the staged files whose state differs from the mirror's, and
 * disappeared files that are listed again, with their old status and state.
 */
export async function collectChangedFiles(db: Db, run: RunContext): Promise<void> {
  await db.$executeRaw`
    CREATE TEMP TABLE changes ON COMMIT DROP AS
    SELECT l.id, f.status AS old_status, f.disappeared_at AS old_disappeared_at,
           ${changedFieldsArray} AS changed_fields, ${fileJson("f")} AS old_file
      FROM sync_listing l JOIN files f ON f.id = l.id
     WHERE l.run_id = ${run.runId}::int AND (f.status = 'disappeared' OR ${differs})`;
}

const takeListedState = Prisma.raw(
  ["object", ...trackedFields].map((c) => `${c} = l.${c}`).join(", "),
);

/** Writes the listed state of every file in `changes`: active again, next version. */
export async function updateChangedFiles(db: Db, run: RunContext): Promise<void> {
  await db.$executeRaw`
    UPDATE files f
       SET ${takeListedState}, status = 'active', disappeared_at = NULL, version = f.version + 1,
           last_changed_at = ${run.at}::timestamptz, missed_runs = 0, last_seen_at = ${run.at}::timestamptz
      FROM changes c JOIN sync_listing l ON l.id = c.id AND l.run_id = ${run.runId}::int
     WHERE f.id = c.id`;
}

/**
 * Listed files (valid or seen-but-invalid) that had been missing from earlier listings are seen
 * again: their miss count resets. Unchanged files that were never missing cost no write.
 */
export async function resetSeenMissedFiles(db: Db, run: RunContext): Promise<void> {
  await db.$executeRaw`
    UPDATE files f SET missed_runs = 0, last_seen_at = ${run.at}::timestamptz
     WHERE f.missed_runs > 0 AND f.status = 'active'
       AND (EXISTS (SELECT 1 FROM sync_listing l WHERE l.run_id = ${run.runId}::int AND l.id = f.id)
            OR EXISTS (SELECT 1 FROM sync_seen_invalid s WHERE s.run_id = ${run.runId}::int AND s.id = f.id))`;
}

/** Counts of the active files absent from the listing (see findMissingFiles). */
export interface MissingFileCounts {
  activeFiles: number;
  candidates: number;
  confirmedPastGuard: number;
}

/**
 * Collects into `missing` the active files absent from this complete listing (seen-but-invalid
 * ids count as present), with their consecutive misses including this run.
 */
export async function findMissingFiles(
  db: Db,
  run: RunContext,
  confirmations: { disappearance: number; guard: number },
): Promise<MissingFileCounts> {
  await db.$executeRaw`
    CREATE TEMP TABLE missing ON COMMIT DROP AS
    SELECT f.id, f.missed_runs + 1 AS misses, f.missed_runs = 0 AS newly_missing
      FROM files f
     WHERE f.status = 'active'
       AND NOT EXISTS (SELECT 1 FROM sync_listing l WHERE l.run_id = ${run.runId}::int AND l.id = f.id)
       AND NOT EXISTS (SELECT 1 FROM sync_seen_invalid s WHERE s.run_id = ${run.runId}::int AND s.id = f.id)`;
  const [counts] = await db.$queryRaw<MissingFileCounts[]>`
    SELECT (SELECT count(*) FROM files WHERE status = 'active')::int AS "activeFiles",
           count(*) FILTER (WHERE misses >= ${confirmations.disappearance}::int)::int AS candidates,
           count(*) FILTER (WHERE misses >= greatest(${confirmations.disappearance}::int, ${confirmations.guard}::int))::int
             AS "confirmedPastGuard"
      FROM missing`;
  return counts!;
}

/**
 * Counts this run's miss on every file in `missing`. A file missed for the first time keeps, as
 * its last seen time, `previousListingAt` (the last listing that included it), when known.
 */
export async function recordMisses(db: Db, previousListingAt: Date | null): Promise<void> {
  await db.$executeRaw`
    UPDATE files f
       SET missed_runs = m.misses,
           last_seen_at = CASE WHEN m.newly_missing
                               THEN coalesce(${previousListingAt}::timestamptz, f.last_seen_at)
                               ELSE f.last_seen_at END
      FROM missing m WHERE f.id = m.id`;
}

/**
 * Marks the missing files with at least `acceptFromMisses` consecutive misses as disappeared
 * (next version), collecting them into `gone`.
 */
export async function markGoneFiles(
  db: Db,
  run: RunContext,
  acceptFromMisses: number,
): Promise<void> {
  await db.$executeRaw`
    CREATE TEMP TABLE gone ON COMMIT DROP AS
    SELECT m.id, m.misses FROM missing m WHERE m.misses >= ${acceptFromMisses}::int`;
  await db.$executeRaw`
    UPDATE files f
       SET status = 'disappeared', disappeared_at = ${run.at}::timestamptz, version = f.version + 1,
           last_changed_at = ${run.at}::timestamptz
      FROM gone g WHERE f.id = g.id`;
}
