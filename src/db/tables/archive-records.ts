import { bigintValue, type Db, type PrismaClient } from "../prisma.js";
import { dedupeKeyFileId } from "./events.js";

// archive_records: one row per version of a file to archive. Enqueueing and claims are set-based
// (tagged queries: INSERT ... SELECT and SKIP LOCKED have no model API); outcomes are row-level
// updates that commit together with their outbox event.

/** A file version leased to this replica for one download. */
export interface ClaimedArchive {
  fileId: string;
  version: number;
  expectedBytes: number;
  filename: string;
  purpose: string;
  expiresAt: Date | null;
  /** Attempts made before this one. */
  attempts: number;
}

/**
 * Adds a pending row for the current version of every listed, unexpired file whose purpose is
 * in `purposes` and that has none yet. A new version (new bytes or created_at) gets a new row.
 * Returns the number of rows added.
 */
export async function enqueueArchives(
  db: Db,
  options: { purposes: readonly string[]; store: string; now: Date },
): Promise<number> {
  if (options.purposes.length === 0) return 0;
  return db.$executeRaw`
    INSERT INTO archive_records (file_id, version, store, expected_bytes, next_attempt_at)
    SELECT f.id, f.version, ${options.store}, f.bytes, ${options.now}::timestamptz
      FROM files f
     WHERE f.purpose = ANY(${[...options.purposes]}::text[])
       AND f.status = 'active' AND f.missed_runs = 0
       AND (f.expires_at IS NULL OR f.expires_at > ${options.now}::timestamptz)
       AND NOT EXISTS (SELECT 1 FROM archive_records a
                        WHERE a.file_id = f.id AND a.version = f.version)
     ORDER BY f.id
    ON CONFLICT DO NOTHING`;
}

export interface ArchiveClaimOptions {
  replicaId: string;
  limit: number;
  now: Date;
  leaseUntil: Date;
}

/**
 * Leases up to `limit` due archive rows to this replica, soonest-to-expire first. Only the
 * current version of a file that is still listed and not yet expired qualifies, so a failed
 * archive is retried until the file expires or disappears, and never afterwards. `SKIP LOCKED`
 * lets replicas claim side by side; a crashed replica's lease runs out and the row is claimable
 * again (a row is `archived` only after the store verified the content).
 */
export async function claimArchives(
  db: Db,
  options: ArchiveClaimOptions,
): Promise<ClaimedArchive[]> {
  const { now } = options;
  const rows = await db.$queryRaw<
    (Omit<ClaimedArchive, "expectedBytes"> & { expectedBytes: bigint })[]
  >`
    WITH claimable AS (
       SELECT a.file_id, a.version
         FROM archive_records a
         JOIN files f ON f.id = a.file_id AND f.version = a.version
        WHERE a.status IN ('pending', 'failed')
          AND a.next_attempt_at <= ${now}::timestamptz
          AND (a.locked_until IS NULL OR a.locked_until <= ${now}::timestamptz)
          AND f.status = 'active' AND f.missed_runs = 0
          AND (f.expires_at IS NULL OR f.expires_at > ${now}::timestamptz)
        ORDER BY f.expires_at NULLS LAST, a.file_id
        LIMIT ${options.limit}::int
        FOR UPDATE OF a SKIP LOCKED)
     UPDATE archive_records a
        SET locked_by = ${options.replicaId}, locked_until = ${options.leaseUntil}::timestamptz
       FROM claimable c, files f
      WHERE a.file_id = c.file_id AND a.version = c.version AND f.id = a.file_id
     RETURNING a.file_id AS "fileId", a.version, a.expected_bytes AS "expectedBytes",
               f.filename, f.purpose, f.expires_at AS "expiresAt", a.attempts`;
  return rows
    .map((r) => ({ ...r, expectedBytes: Number(r.expectedBytes) }))
    .sort(
      (a, b) =>
        (a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) -
          (b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) || a.fileId.localeCompare(b.fileId),
    );
}

export interface ArchivedContent {
  store: string;
  key: string;
  size: number;
  sha256: string;
}

/**
 * Marks a leased row archived and writes `file.archived` to the outbox, in one transaction.
 * Nothing is written when the lease was lost (another replica took over). Returns whether it was.
 */
export async function recordArchived(
  prisma: PrismaClient,
  replicaId: string,
  claim: ClaimedArchive,
  content: ArchivedContent,
  now: Date,
): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.archiveRecord.updateMany({
      where: { fileId: claim.fileId, version: claim.version, lockedBy: replicaId },
      data: {
        status: "archived",
        store: content.store,
        key: content.key,
        size: BigInt(content.size),
        sha256: content.sha256,
        archivedAt: now,
        attempts: { increment: 1 },
        lockedBy: null,
        lockedUntil: null,
      },
    });
    if (count === 0) return false;
    await tx.event.create({
      data: {
        type: "file.archived",
        fileId: claim.fileId,
        dedupeKey: `file.archived:${dedupeKeyFileId(claim.fileId)}:${claim.version}`,
        data: {
          version: claim.version,
          store: content.store,
          key: content.key,
          sha256: content.sha256,
          bytes: bigintValue(content.size),
          filename: claim.filename,
          purpose: claim.purpose,
        },
      },
    });
    return true;
  });
}

export interface ArchiveFailure {
  /** Machine-readable class, e.g. `short_content`. */
  reason: string;
  /** What happened and what to do, without secrets. */
  message: string;
  nextAttemptAt: Date;
}

/**
 * Records a failed attempt on a leased row (attempts + 1, the reason, when to retry), releases
 * the lease and writes `file.archive_failed`, in one transaction. Nothing is written when the
 * lease was lost. Returns whether it was.
 */
export async function recordArchiveFailure(
  prisma: PrismaClient,
  replicaId: string,
  claim: ClaimedArchive,
  failure: ArchiveFailure,
): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.archiveRecord.updateMany({
      where: { fileId: claim.fileId, version: claim.version, lockedBy: replicaId },
      data: {
        status: "failed",
        attempts: { increment: 1 },
        lastReason: failure.reason,
        lastError: failure.message.slice(0, 2000),
        nextAttemptAt: failure.nextAttemptAt,
        lockedBy: null,
        lockedUntil: null,
      },
    });
    if (count === 0) return false;
    const attempt = claim.attempts + 1;
    await tx.event.create({
      data: {
        type: "file.archive_failed",
        fileId: claim.fileId,
        dedupeKey: `file.archive_failed:${dedupeKeyFileId(claim.fileId)}:${claim.version}:${attempt}`,
        data: {
          version: claim.version,
          reason: failure.reason,
          message: failure.message.slice(0, 500),
          attempt,
          expires_at: claim.expiresAt?.toISOString() ?? null,
          next_attempt_at: failure.nextAttemptAt.toISOString(),
          filename: claim.filename,
          purpose: claim.purpose,
        },
      },
    });
    return true;
  });
}

/**
 * Extends this replica's lease on a row it is still working on, so a long download is never
 * taken over by another replica. Returns whether the lease was still this replica's.
 */
export async function renewArchiveLease(
  db: Db,
  replicaId: string,
  claim: ClaimedArchive,
  leaseUntil: Date,
): Promise<boolean> {
  const { count } = await db.archiveRecord.updateMany({
    where: { fileId: claim.fileId, version: claim.version, lockedBy: replicaId },
    data: { lockedUntil: leaseUntil },
  });
  return count > 0;
}

/** Gives leased rows back without counting an attempt (shutdown before the download began). */
export async function releaseArchives(
  db: Db,
  replicaId: string,
  claims: readonly ClaimedArchive[],
): Promise<void> {
  if (claims.length === 0) return;
  await db.archiveRecord.updateMany({
    where: {
      lockedBy: replicaId,
      OR: claims.map((c) => ({ fileId: c.fileId, version: c.version })),
    },
    data: { lockedBy: null, lockedUntil: null },
  });
}

/** Of `fileIds`, those whose current version is archived (for reports). */
export async function findArchivedFileIds(
  db: Db,
  fileIds: readonly string[],
): Promise<Set<string>> {
  if (fileIds.length === 0) return new Set();
  const rows = await db.$queryRaw<{ fileId: string }[]>`
    SELECT a.file_id AS "fileId"
      FROM archive_records a JOIN files f ON f.id = a.file_id AND f.version = a.version
     WHERE a.status = 'archived' AND a.file_id = ANY(${[...fileIds]}::text[])`;
  return new Set(rows.map((r) => r.fileId));
}

/** The archive gauges: rows and bytes by status, failures by reason, and files at risk. */
export interface ArchiveGauges {
  byStatus: { status: string; files: number; bytes: number }[];
  failuresByReason: { reason: string; files: number }[];
  /** Active files expiring within `withinMs` whose current version is not archived. */
  atRisk: number;
}

export async function readArchiveGauges(db: Db, withinMs: number): Promise<ArchiveGauges> {
  const [byStatus, failures, atRisk] = await Promise.all([
    db.$queryRaw<{ status: string; files: number; bytes: number }[]>`
      SELECT status, count(*)::int AS files, coalesce(sum(size), 0)::float8 AS bytes
        FROM archive_records GROUP BY status`,
    db.$queryRaw<{ reason: string; files: number }[]>`
      SELECT last_reason AS reason, count(*)::int AS files
        FROM archive_records WHERE status = 'failed' GROUP BY last_reason`,
    countFilesAtRisk(db, withinMs),
  ]);
  return { byStatus, failuresByReason: failures, atRisk };
}

/** Active files expiring within `withinMs` whose current version is not archived. */
export async function countFilesAtRisk(db: Db, withinMs: number): Promise<number> {
  const [row] = await db.$queryRaw<{ atRisk: number }[]>`
    SELECT count(*)::int AS "atRisk" FROM files f
     WHERE f.status = 'active' AND f.expires_at > now()
       AND f.expires_at <= now() + ${withinMs}::float8 * interval '1 millisecond'
       AND NOT EXISTS (SELECT 1 FROM archive_records a WHERE a.file_id = f.id
                          AND a.version = f.version AND a.status = 'archived')`;
  return row?.atRisk ?? 0;
}
