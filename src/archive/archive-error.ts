import { AppError } from "../errors.js";

/**
 * Why an archive attempt failed, as recorded in archive_records.last_reason and in
 * `file.archive_failed` events.
 */
export type ArchiveFailureReason =
  | "short_content"
  | "long_content"
  | "cut_mid_stream"
  | "not_found"
  | "expired"
  | "deleted_while_downloading"
  | "disk_full"
  | "write_failed"
  | "upload_refused"
  | "download_failed";

/** An archive attempt that failed: the reason class and a message for the operator. */
export class ArchiveError extends AppError<ArchiveFailureReason> {}
