import type { Readable } from "node:stream";

/** What an archive store keeps per version, and where. */
export interface StoredContent {
  key: string;
  size: number;
  sha256: string;
}

/** A place archived content goes: a local directory or S3-compatible object storage. */
export interface ArchiveStore {
  /** `local` or `s3:<bucket>`; recorded with each archive. */
  readonly name: string;
  /**
   * Stores `content` under `key`, checked against `expectedBytes` (size) on the way. Resolves
   * only once the content is complete, verified and durable; on any failure it throws an
   * ArchiveError and nothing is left under `key`.
   */
  put(key: string, content: Readable, expectedBytes: number): Promise<StoredContent>;
}

/**
 * The key of one version of one file: `<file id>/v<version>/<filename>`, the filename reduced to
 * characters safe in any file system and object store.
 */
export function archiveKey(file: { fileId: string; version: number; filename: string }): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_");
  return `${safe(file.fileId)}/v${file.version}/${safe(file.filename).slice(0, 200) || "content"}`;
}
