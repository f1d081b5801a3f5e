import { bigintValue, type Db, Prisma } from "../prisma.js";

// files, read side (the sync writes them: files-apply.ts). Reads of the
// views over files (file_overview) are here too: a view is no Prisma model, so a tagged query
// reads it, and the view itself stays the analysts' interface.

/** Active files by status and purpose (the files gauge). */
export async function countFilesByStatusAndPurpose(
  db: Db,
): Promise<{ status: string; purpose: string; count: number }[]> {
  const groups = await db.file.groupBy({ by: ["status", "purpose"], _count: { _all: true } });
  return groups.map((g) => ({ status: g.status, purpose: g.purpose, count: g._count._all }));
}

/** Per window: active files whose expiry lies within it from the database's now(). */
export async function countFilesExpiringWithin(
  db: Db,
  windowsMs: readonly number[],
): Promise<{ windowMs: number; count: number }[]> {
  const rows = await db.$queryRaw<{ windowMs: bigint; count: bigint }[]>`
    SELECT w AS "windowMs",
           (SELECT count(*) FROM files WHERE status = 'active' AND expires_at > now()
               AND expires_at <= now() + w * interval '1 millisecond') AS count
      FROM unnest(${[...windowsMs]}::bigint[]) AS w`;
  return rows.map((r) => ({ windowMs: Number(r.windowMs), count: Number(r.count) }));
}

/** An active file that expires within a window. */
export interface ExpiringFile {
  id: string;
  filename: string;
  purpose: string;
  /** A number, or a string for values beyond Number.MAX_SAFE_INTEGER. */
  bytes: number | string;
  expiresAt: Date;
  /** Milliseconds from the clock to expires_at (always positive). */
  msLeft: number;
}

// The clock row is LEFT JOINed so the caller knows its time even when no file matches.
const expiringFilesQuery = (now: Date | null, withinMs: number) => Prisma.sql`
WITH clock AS (SELECT COALESCE(${now}::timestamptz, now()) AS now)
SELECT c.now, f.id, f.filename, f.purpose, f.bytes, f.expires_at AS "expiresAt",
       floor(extract(epoch FROM f.expires_at - c.now) * 1000)::bigint AS "msLeft"
FROM clock c
LEFT JOIN files f
  ON f.status = 'active'
 AND f.expires_at > c.now
 AND f.expires_at <= c.now + ${withinMs}::float8 * interval '1 millisecond'
ORDER BY f.expires_at, f.id`;

/**
 * Active files whose expiry lies within `withinMs` of `now` (the database's clock when null),
 * soonest first, and the clock they were judged by.
 */
export async function listFilesExpiringWithin(
  db: Db,
  options: { now: Date | null; withinMs: number },
): Promise<{ now: Date; files: ExpiringFile[] }> {
  const rows = await db.$queryRaw<
    (Omit<ExpiringFile, "id" | "bytes" | "msLeft"> & {
      now: Date;
      id: string | null;
      bytes: bigint;
      msLeft: bigint;
    })[]
  >(expiringFilesQuery(options.now, options.withinMs));
  return {
    now: rows[0]!.now,
    files: rows.flatMap((r) =>
      r.id === null
        ? []
        : [
            {
              id: r.id,
              filename: r.filename,
              purpose: r.purpose,
              bytes: bigintValue(r.bytes),
              expiresAt: r.expiresAt,
              msLeft: Number(r.msLeft),
            },
          ],
    ),
  };
}

/** The file as the view file_overview shows it now. */
export interface FileOverview {
  id: string;
  filename: string;
  purpose: string;
  bytes: number | string;
  status: string;
  version: number;
  createdAt: Date;
  expiresAt: Date | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  disappearedAt: Date | null;
}

/** The query behind findFileOverview (bench/reporting-views.ts times it). */
export const fileOverviewQuery = (fileId: string) => Prisma.sql`
SELECT id, filename, purpose, bytes, status, version, created_at AS "createdAt",
       expires_at AS "expiresAt", first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt",
       disappeared_at AS "disappearedAt"
  FROM file_overview WHERE id = ${fileId}`;

/** The file from file_overview; null when the mirror has never seen it. */
export async function findFileOverview(db: Db, fileId: string): Promise<FileOverview | null> {
  const [row] = await db.$queryRaw<(Omit<FileOverview, "bytes"> & { bytes: bigint })[]>(
    fileOverviewQuery(fileId),
  );
  return row === undefined ? null : { ...row, bytes: bigintValue(row.bytes) };
}
