import type { Db } from "../db/prisma.js";
import { trackedFields } from "../db/tables/file-columns.js";
import { listFileHistoryRows } from "../db/tables/file-versions.js";
import { type FileOverview, findFileOverview } from "../db/tables/files.js";

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
export type HistoryFile = FileOverview;

export interface FileHistoryReport {
  fileId: string;
  /** Null when the mirror has never seen the file. */
  file: HistoryFile | null;
  /** Oldest first. */
  versions: HistoryVersion[];
}

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
export async function getFileHistory(db: Db, fileId: string): Promise<FileHistoryReport> {
  const [file, rows] = await Promise.all([
    findFileOverview(db, fileId),
    listFileHistoryRows(db, fileId) as Promise<VersionRow[]>,
  ]);
  return {
    fileId,
    file,
    versions: rows.map((r) => ({
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
