import { type Db, Prisma } from "../prisma.js";
import {
  fileJson,
  stagedColumn,
  stagedStateColumnsOf,
  stateColumnList,
  stateColumns,
  stateColumnsOf,
  trackedFields,
} from "./file-columns.js";

// files: the sync's writes, set-based over the run's staged listing (sync_listing, filled by COPY)
// inside the run's transaction. One pass over the listing joined with the mirror
// (classifyListedFiles) keeps, in the temporary table `listing_actions`, only the rows that need
// a write; the other statements read that table (and staged rows by their key, run and position),
// so an unchanged file costs one hash-join probe and no write. The temporary tables
// `listing_actions`, `changes`, `missing` and `gone` hold the run's sets between statements; they
// are dropped on commit.

/** The run a statement writes for: its id, and its clock (database time at its start). */
export interface RunContext {
  runId: number;
  at: Date;
}

/**
 * Runs a statement that joins the whole staged listing with the mirror with nested loops off.
 * The staged rows have no statistics (COPY wrote them moments ago, and the runtime role cannot
 * ANALYZE a table it does not own), so the planner guesses about 2% of the run's rows and picks a
 * nested loop of index probes into files: 11.8 s at 1M files, against 2.7-3 s for the hash join.
 * For a small listing the hash join costs one scan of files, which the statement needs anyway.
 */
async function withoutNestedLoops(db: Db, statement: (db: Db) => Promise<unknown>): Promise<void> {
  await db.$executeRaw`SET LOCAL enable_nestloop = off`;
  await statement(db);
  await db.$executeRaw`SET LOCAL enable_nestloop TO DEFAULT`;
}

/** True before the first listing was ever applied (the bootstrap run). */
export async function isMirrorEmpty(db: Db): Promise<boolean> {
  return (await db.file.findFirst({ select: { id: true } })) === null;
}

const differs = Prisma.raw(
  `(${trackedFields.map((c) => `f.${c}`).join(", ")}) IS DISTINCT FROM (${trackedFields.map((c) => stagedColumn("l", c)).join(", ")})`,
);

/**
 * Classifies, in one pass over the staged listing joined with the mirror, the listed files that
 * need a write into the temporary table `listing_actions` (id, position in the listing, the file's
 * old status and missed_runs, action):
 * - `new`: never seen;
 * - `changed`: its state differs from the mirror's, or it had disappeared;
 * - `seen`: active and unchanged, but missing from earlier listings (missed_runs > 0).
 * Listed, unchanged files that were never missing are not kept: they cost one hash-join probe and
 * no write. The join is a LEFT JOIN, which PostgreSQL can run with parallel workers (a FULL JOIN,
 * which would also find the missing files, cannot be parallel before PostgreSQL 16 and measured
 * twice as slow at 1M files); findMissingFiles looks for missing files only when some are.
 * Call it once the staged listing is final; the statements below read it.
 */
export async function classifyListedFiles(db: Db, run: RunContext): Promise<void> {
  await withoutNestedLoops(
    db,
    (db) => db.$executeRaw`
    CREATE TEMP TABLE listing_actions ON COMMIT DROP AS
    SELECT l.id, l.position, f.status AS old_status, f.missed_runs,
           CASE WHEN f.id IS NULL THEN 'new'
                WHEN f.status = 'disappeared' OR ${differs} THEN 'changed'
                ELSE 'seen' END AS action
      FROM sync_listing l
      LEFT JOIN files f ON f.id = l.id
     WHERE l.run_id = ${run.runId}::int
       AND (f.id IS NULL OR f.status = 'disappeared' OR f.missed_runs > 0 OR ${differs})`,
  );
  // A temporary table has no statistics until analyzed: the statements that read it join it with
  // files and sync_listing, by index for a few rows, by hash for many (an initial import).
  await db.$executeRaw`ANALYZE listing_actions`;
}

/**
 * Inserts the `new` files of `listing_actions`, each with its first version and, when
 * `emitEvents`, a file.created event, in one statement. Returns how many. In id order: the
 * indexes keyed by id (files_pkey, file_versions_pkey, file_versions_one_current_idx) then grow at
 * their right edge instead of at random pages, which at 1M new files no longer fit in
 * shared_buffers (an initial import of 1M files: 114 s for this statement unordered, 75 s ordered).
 */
export async function insertNewFiles(db: Db, run: RunContext, emitEvents: boolean) {
  const at = Prisma.sql`${run.at}::timestamptz`;
  const runId = Prisma.sql`${run.runId}::int`;
  const [row] = await db.$queryRaw<{ n: number }[]>`
    WITH inserted AS (
      INSERT INTO files (id, ${stateColumnList}, status, first_seen_at, last_changed_at,
                         version, missed_runs, last_seen_at)
      SELECT l.id, ${stagedStateColumnsOf("l")}, 'active', ${at}, ${at}, 1, 0, ${at}
        FROM listing_actions a
        JOIN sync_listing l ON l.run_id = ${runId} AND l.position = a.position
       WHERE a.action = 'new'
       ORDER BY l.id
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
    .map((c) => `CASE WHEN f.${c} IS DISTINCT FROM ${stagedColumn("l", c)} THEN '${c}' END`)
    .join(", ")}], NULL)`,
);

/**
 * Collects into `changes` the `changed` files of `listing_actions` (state differs from the
 * mirror's, or disappeared and listed again), with their old status and state.
 */
export async function collectChangedFiles(db: Db, run: RunContext): Promise<void> {
  await db.$executeRaw`
    CREATE TEMP TABLE changes ON COMMIT DROP AS
    SELECT a.id, a.position, f.status AS old_status, f.disappeared_at AS old_disappeared_at,
           ${changedFieldsArray} AS changed_fields, ${fileJson("f")} AS old_file
      FROM listing_actions a
      JOIN files f ON f.id = a.id
      JOIN sync_listing l ON l.run_id = ${run.runId}::int AND l.position = a.position
     WHERE a.action = 'changed'`;
  await db.$executeRaw`ANALYZE changes`;
}

const takeListedState = Prisma.raw(
  stateColumns.map((c) => `${c} = ${stagedColumn("l", c)}`).join(", "),
);

/** Writes the listed state of every file in `changes`: active again, next version. */
export async function updateChangedFiles(db: Db, run: RunContext): Promise<void> {
  await db.$executeRaw`
    UPDATE files f
       SET ${takeListedState}, status = 'active', disappeared_at = NULL, version = f.version + 1,
           last_changed_at = ${run.at}::timestamptz, missed_runs = 0, last_seen_at = ${run.at}::timestamptz
      FROM changes c JOIN sync_listing l ON l.run_id = ${run.runId}::int AND l.position = c.position
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
       AND (EXISTS (SELECT 1 FROM listing_actions a WHERE a.action = 'seen' AND a.id = f.id)
            OR EXISTS (SELECT 1 FROM sync_seen_invalid s WHERE s.run_id = ${run.runId}::int AND s.id = f.id))`;
}

/** Counts of the active files absent from the listing (see findMissingFiles). */
export interface MissingFileCounts {
  /** The run's staged files as the apply finds them (the caller checks them against its own). */
  stagedFiles: number;
  activeFiles: number;
  candidates: number;
  confirmedPastGuard: number;
}

/**
 * Collects into `missing` the active files absent from this complete listing (seen-but-invalid
 * ids count as present), with their consecutive misses including this run. When every active file
 * is among the listed ones (the listed rows that matched an active file, from `listing_actions`
 * and two counts, are as many as the active files), `missing` is empty without a second join.
 * That count relies on the staged listing holding at most one row per id (duplicates are removed
 * before the apply).
 */
export async function findMissingFiles(
  db: Db,
  run: RunContext,
  confirmations: { disappearance: number; guard: number },
): Promise<MissingFileCounts> {
  const runId = Prisma.sql`${run.runId}::int`;
  const [listed] = await db.$queryRaw<{ active: number; staged: number; notActive: number }[]>`
    SELECT (SELECT count(*) FROM files WHERE status = 'active')::int AS active,
           (SELECT count(*) FROM sync_listing WHERE run_id = ${runId})::int AS staged,
           (SELECT count(*) FROM listing_actions
             WHERE action = 'new' OR old_status = 'disappeared')::int AS "notActive"`;
  if (listed!.active > listed!.staged - listed!.notActive) {
    await withoutNestedLoops(
      db,
      (db) => db.$executeRaw`
      CREATE TEMP TABLE missing ON COMMIT DROP AS
      SELECT f.id, f.missed_runs + 1 AS misses, f.missed_runs = 0 AS newly_missing
        FROM files f
       WHERE f.status = 'active'
         AND NOT EXISTS (SELECT 1 FROM sync_listing l WHERE l.run_id = ${runId} AND l.id = f.id)
         AND NOT EXISTS (SELECT 1 FROM sync_seen_invalid s WHERE s.run_id = ${runId} AND s.id = f.id)`,
    );
    await db.$executeRaw`ANALYZE missing`;
  } else {
    await db.$executeRaw`
      CREATE TEMP TABLE missing (id text, misses integer, newly_missing boolean) ON COMMIT DROP`;
  }
  const [counts] = await db.$queryRaw<
    Pick<MissingFileCounts, "candidates" | "confirmedPastGuard">[]
  >`
    SELECT count(*) FILTER (WHERE misses >= ${confirmations.disappearance}::int)::int AS candidates,
           count(*) FILTER (WHERE misses >= greatest(${confirmations.disappearance}::int, ${confirmations.guard}::int))::int
             AS "confirmedPastGuard"
      FROM missing`;
  return { stagedFiles: listed!.staged, activeFiles: listed!.active, ...counts! };
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
  await db.$executeRaw`ANALYZE gone`;
  await db.$executeRaw`
    UPDATE files f
       SET status = 'disappeared', disappeared_at = ${run.at}::timestamptz, version = f.version + 1,
           last_changed_at = ${run.at}::timestamptz
      FROM gone g WHERE f.id = g.id`;
}
