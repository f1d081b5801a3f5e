import type pg from "pg";

/** One disappearance: a version with change `disappeared` that started in the report's range. */
export interface DisappearedFile {
  id: string;
  filename: string;
  purpose: string;
  /** A number, or a string for values beyond Number.MAX_SAFE_INTEGER (as pg returns bigint). */
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

export interface DisappearedFilesReport {
  since: Date;
  /** Latest disappearance first. */
  files: DisappearedFile[];
}

/** Disappearances from file_history, served by file_versions_change_valid_from_idx. */
export const listDisappearedFilesSql = `
SELECT h.file_id, h.filename, h.purpose, h.bytes, h.valid_from AS disappeared_at,
       h.disappeared_reason, h.created_at, h.expires_at,
       floor(extract(epoch FROM h.valid_from - h.created_at) * 1000)::bigint AS lifetime_ms,
       CASE WHEN f.status = 'disappeared' AND f.disappeared_at = h.valid_from THEN f.last_seen_at END
         AS last_seen_at,
       f.status AS status_now
  FROM file_history h
  JOIN files f ON f.id = h.file_id
 WHERE h.change = 'disappeared' AND h.valid_from >= $1
 ORDER BY h.valid_from DESC, h.file_id
`;

/** Every disappearance since `since`, latest first, including files that came back since. */
export async function listDisappearedFiles(
  pool: Pick<pg.Pool, "query">,
  options: { since: Date },
): Promise<DisappearedFilesReport> {
  const { rows } = await pool.query<{
    file_id: string;
    filename: string;
    purpose: string;
    bytes: number | string;
    disappeared_at: Date;
    disappeared_reason: "expired" | "deleted";
    created_at: Date;
    expires_at: Date | null;
    lifetime_ms: number;
    last_seen_at: Date | null;
    status_now: "active" | "disappeared";
  }>(listDisappearedFilesSql, [options.since]);
  return {
    since: options.since,
    files: rows.map((r) => ({
      id: r.file_id,
      filename: r.filename,
      purpose: r.purpose,
      bytes: r.bytes,
      disappearedAt: r.disappeared_at,
      reason: r.disappeared_reason,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      lifetimeMs: Number(r.lifetime_ms),
      lastSeenAt: r.last_seen_at,
      statusNow: r.status_now,
    })),
  };
}
