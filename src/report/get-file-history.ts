import type pg from "pg";
import { trackedFields } from "../sync/file-sql.js";

/** The fields a version can change, as file_history names them. */
export const historyFields = trackedFields;

export type HistoryField = (typeof historyFields)[number];

/** One changed field of a version: its value in the previous version and in this one. */
export interface FieldChange {
  field: HistoryField;
  old: unknown;
  new: unknown;
}

/** One version of the file, from file_history. */
export interface HistoryVersion {
  version: number;
  validFrom: Date;
  /** Null for the current version. */
  validTo: Date | null;
  /** How long this version was (or has been so far) the file's state, in milliseconds. */
  validForMs: number;
  /** `created`, `updated`, `disappeared` or `reappeared`. */
  change: string;
  status: string;
  /** For `disappeared`: `expired` or `deleted`. */
  disappearedReason: string | null;
  filename: string;
  bytes: number | string;
  purpose: string;
  createdAt: Date;
  expiresAt: Date | null;
  totalRequests: number | null;
  metadata: unknown;
  /** Each field in changed_fields with its previous and new value. */
  changes: FieldChange[];
  syncRunId: number | null;
}

/** The file as file_overview shows it now. */
export interface HistoryFile {
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

export interface FileHistoryReport {
  fileId: string;
  /** Null when the mirror has never seen the file. */
  file: HistoryFile | null;
  /** Oldest first. */
  versions: HistoryVersion[];
}

export const getFileSql = `
SELECT id, filename, purpose, bytes, status, version, created_at, expires_at, first_seen_at,
       last_seen_at, disappeared_at
  FROM file_overview WHERE id = $1
`;

export const getFileVersionsSql = `
SELECT version, valid_from, valid_to,
       floor(extract(epoch FROM valid_for) * 1000)::bigint AS valid_for_ms, change, changed_fields,
       status, disappeared_reason, filename, bytes, purpose, created_at, expires_at, total_requests,
       metadata, previous_filename, previous_bytes, previous_purpose, previous_created_at,
       previous_expires_at, previous_total_requests, previous_metadata, sync_run_id
  FROM file_history WHERE file_id = $1
 ORDER BY version
`;

type VersionRow = Record<HistoryField | `previous_${HistoryField}`, unknown> & {
  version: number;
  valid_from: Date;
  valid_to: Date | null;
  valid_for_ms: number;
  change: string;
  changed_fields: string[] | null;
  status: string;
  disappeared_reason: string | null;
  sync_run_id: number | null;
};

/** The file now and every version of it, oldest first. */
export async function getFileHistory(
  pool: Pick<pg.Pool, "query">,
  fileId: string,
): Promise<FileHistoryReport> {
  const [files, versions] = await Promise.all([
    pool.query<Record<string, unknown>>(getFileSql, [fileId]),
    pool.query<VersionRow>(getFileVersionsSql, [fileId]),
  ]);
  const f = files.rows[0];
  return {
    fileId,
    file:
      f === undefined
        ? null
        : {
            id: f.id as string,
            filename: f.filename as string,
            purpose: f.purpose as string,
            bytes: f.bytes as number | string,
            status: f.status as string,
            version: f.version as number,
            createdAt: f.created_at as Date,
            expiresAt: f.expires_at as Date | null,
            firstSeenAt: f.first_seen_at as Date,
            lastSeenAt: f.last_seen_at as Date,
            disappearedAt: f.disappeared_at as Date | null,
          },
    versions: versions.rows.map((r) => ({
      version: r.version,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      validForMs: Number(r.valid_for_ms),
      change: r.change,
      status: r.status,
      disappearedReason: r.disappeared_reason,
      filename: r.filename as string,
      bytes: r.bytes as number | string,
      purpose: r.purpose as string,
      createdAt: r.created_at as Date,
      expiresAt: r.expires_at as Date | null,
      totalRequests: r.total_requests as number | null,
      metadata: r.metadata,
      changes: historyFields
        .filter((field) => r.changed_fields?.includes(field))
        .map((field) => ({ field, old: r[`previous_${field}`], new: r[field] })),
      syncRunId: r.sync_run_id,
    })),
  };
}
