import { bigintValue, type Db, Prisma } from "../prisma.js";
import { stateColumnList, stateColumnsOf } from "./file-columns.js";
import type { RunContext } from "./files-apply.js";

// file_versions. Reads go through the views over it (file_history, file_daily_stats): a view is
// no Prisma model, so tagged queries read them; the views stay the analysts' interface. The sync
// writes versions set-based in its transaction, from its temporary tables `changes` and `gone`
// (files-apply.ts); a new file's first version is written with the file (insertNewFiles).

/** Closes the current version of every file in the run's temporary table `changes` or `gone`. */
export async function closeCurrentVersions(
  db: Db,
  table: "changes" | "gone",
  at: Date,
): Promise<void> {
  await db.$executeRaw`
    UPDATE file_versions v SET valid_to = ${at}::timestamptz
      FROM ${Prisma.raw(table)} t WHERE v.file_id = t.id AND v.valid_to IS NULL`;
}

/** Opens the new version of every file in `changes`: `updated`, or `reappeared`. */
export async function insertChangedVersions(db: Db, run: RunContext): Promise<void> {
  await db.$executeRaw`
    INSERT INTO file_versions (file_id, version, valid_from, ${stateColumnList}, status, change, changed_fields, sync_run_id)
    SELECT f.id, f.version, ${run.at}::timestamptz, ${stateColumnsOf("f")}, 'active',
           CASE WHEN c.old_status = 'disappeared' THEN 'reappeared' ELSE 'updated' END,
           c.changed_fields, ${run.runId}::int
      FROM changes c JOIN files f ON f.id = c.id`;
}

/** Opens the `disappeared` version of every file in `gone`. */
export async function insertDisappearedVersions(db: Db, run: RunContext): Promise<void> {
  await db.$executeRaw`
    INSERT INTO file_versions (file_id, version, valid_from, ${stateColumnList}, status, change, sync_run_id)
    SELECT f.id, f.version, ${run.at}::timestamptz, ${stateColumnsOf("f")}, 'disappeared', 'disappeared', ${run.runId}::int
      FROM gone g JOIN files f ON f.id = g.id`;
}

/** The query behind listFileHistoryRows (bench/reporting-views.ts times it). */
export const fileHistoryQuery = (fileId: string) => Prisma.sql`
SELECT version, valid_from, valid_to,
       floor(extract(epoch FROM valid_for) * 1000)::bigint AS valid_for_ms, change, changed_fields,
       status, disappeared_reason, filename, bytes, purpose, created_at, expires_at, total_requests,
       metadata, previous_filename, previous_bytes, previous_purpose, previous_created_at,
       previous_expires_at, previous_total_requests, previous_metadata, sync_run_id
  FROM file_history WHERE file_id = ${fileId}
 ORDER BY version`;

/** Every version of a file from file_history, oldest first, bigints as numbers (or strings). */
export async function listFileHistoryRows(
  db: Db,
  fileId: string,
): Promise<Record<string, unknown>[]> {
  const rows = await db.$queryRaw<Record<string, unknown>[]>(fileHistoryQuery(fileId));
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? bigintValue(v) : v]),
    ),
  );
}

/** One disappearance: a version with change `disappeared` that started in the range. */
export interface Disappearance {
  id: string;
  filename: string;
  purpose: string;
  bytes: number | string;
  /** When the sync run that noticed it started (up to one sync interval after the deletion). */
  disappearedAt: Date;
  /** `expired` when its expires_at had passed by then, else `deleted`. */
  reason: "expired" | "deleted";
  createdAt: Date;
  expiresAt: Date | null;
  /** From created_at to disappearedAt, in milliseconds. */
  lifetimeMs: number;
  /** The last listing that included it, when this is still the file's latest disappearance. */
  lastSeenAt: Date | null;
  /** The file's status now: `active` means it came back since. */
  statusNow: "active" | "disappeared";
}

/** The query behind listDisappearances, served by file_versions_change_valid_from_idx. */
export const disappearancesQuery = (since: Date) => Prisma.sql`
SELECT h.file_id AS id, h.filename, h.purpose, h.bytes, h.valid_from AS "disappearedAt",
       h.disappeared_reason AS reason, h.created_at AS "createdAt", h.expires_at AS "expiresAt",
       floor(extract(epoch FROM h.valid_from - h.created_at) * 1000)::bigint AS "lifetimeMs",
       CASE WHEN f.status = 'disappeared' AND f.disappeared_at = h.valid_from THEN f.last_seen_at END
         AS "lastSeenAt",
       f.status AS "statusNow"
  FROM file_history h
  JOIN files f ON f.id = h.file_id
 WHERE h.change = 'disappeared' AND h.valid_from >= ${since}::timestamptz
 ORDER BY h.valid_from DESC, h.file_id`;

/** Every disappearance since `since`, latest first, including files that came back since. */
export async function listDisappearances(db: Db, since: Date): Promise<Disappearance[]> {
  const rows = await db.$queryRaw<
    (Omit<Disappearance, "bytes" | "lifetimeMs"> & { bytes: bigint; lifetimeMs: bigint })[]
  >(disappearancesQuery(since));
  return rows.map((r) => ({ ...r, bytes: bigintValue(r.bytes), lifetimeMs: Number(r.lifetimeMs) }));
}

/** One UTC day and purpose of file_daily_stats. */
export interface DailyStat {
  /** `2026-11-27` (UTC). */
  day: string;
  purpose: string;
  /** Files held at the end of the day (today: now). */
  files: number;
  /** Their bytes; a string beyond Number.MAX_SAFE_INTEGER. */
  bytes: number | string;
  created: number;
  reappeared: number;
  disappeared: number;
  /** Of the disappeared, those whose expires_at had passed. */
  expired: number;
  /** Of the disappeared, the others. */
  deleted: number;
}

// The day is sent as text: a date would become a JavaScript Date at midnight.
/** The query behind listDailyStats. */
export const dailyStatsQuery = (days: number) => Prisma.sql`
SELECT day::text AS day, purpose, files, bytes, created, reappeared, disappeared, expired, deleted
  FROM file_daily_stats
 WHERE day > (now() AT TIME ZONE 'UTC')::date - ${days}::int
 ORDER BY day, purpose`;

/** The last `days` UTC days of file_daily_stats, today included, oldest first. */
export async function listDailyStats(db: Db, days: number): Promise<DailyStat[]> {
  const rows = await db.$queryRaw<Record<keyof DailyStat, string | bigint | number>[]>(
    dailyStatsQuery(days),
  );
  return rows.map((r) => ({
    day: String(r.day),
    purpose: String(r.purpose),
    files: Number(r.files),
    bytes: bigintValue(r.bytes as bigint),
    created: Number(r.created),
    reappeared: Number(r.reappeared),
    disappeared: Number(r.disappeared),
    expired: Number(r.expired),
    deleted: Number(r.deleted),
  }));
}
