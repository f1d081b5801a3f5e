import type pg from "pg";

/** An active file that expires within the report's window. */
export interface ExpiringFile {
  id: string;
  filename: string;
  purpose: string;
  /** A number, or a string for values beyond Number.MAX_SAFE_INTEGER (as pg returns bigint). */
  bytes: number | string;
  expiresAt: Date;
  /** Milliseconds from the report's clock to expires_at (always positive). */
  msLeft: number;
}

export interface ExpiringFilesReport {
  /** The clock the report was judged by. */
  now: Date;
  withinMs: number;
  /** Soonest expiry first. */
  files: ExpiringFile[];
}

// The clock row is LEFT JOINed so the report knows its time even when no file matches.
const listExpiringFilesSql = `
WITH clock AS (SELECT COALESCE($1::timestamptz, now()) AS now)
SELECT c.now, f.id, f.filename, f.purpose, f.bytes, f.expires_at,
       floor(extract(epoch FROM f.expires_at - c.now) * 1000)::bigint AS ms_left
FROM clock c
LEFT JOIN files f
  ON f.status = 'active'
 AND f.expires_at > c.now
 AND f.expires_at <= c.now + $2::float8 * interval '1 millisecond'
ORDER BY f.expires_at, f.id
`;

/**
 * Active files whose expiry lies within `withinMs` of now (the database's clock unless `now` is
 * given), soonest first.
 */
export async function listExpiringFiles(
  pool: Pick<pg.Pool, "query">,
  options: { withinMs: number; now?: Date },
): Promise<ExpiringFilesReport> {
  const { rows } = await pool.query<{
    now: Date;
    id: string | null;
    filename: string;
    purpose: string;
    bytes: number | string;
    expires_at: Date;
    ms_left: number;
  }>(listExpiringFilesSql, [options.now ?? null, options.withinMs]);
  return {
    now: rows[0]!.now,
    withinMs: options.withinMs,
    files: rows
      .filter((r) => r.id !== null)
      .map((r) => ({
        id: r.id as string,
        filename: r.filename,
        purpose: r.purpose,
        bytes: r.bytes,
        expiresAt: r.expires_at,
        msLeft: r.ms_left,
      })),
  };
}
