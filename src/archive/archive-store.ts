import { createHash } from "node:crypto";
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
 * characters safe in any file system and object store. An id that is not already safe, or too
 * long for one path component, becomes its safe prefix and a digest of the whole id, so two ids
 * never share a key and no key reaches outside the store.
 */
export function archiveKey(file: { fileId: string; version: number; filename: string }): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_");
  const id =
    safe(file.fileId) === file.fileId && file.fileId.length <= maxIdInKey
      ? file.fileId
      : `${safe(file.fileId).slice(0, 64)}-${createHash("sha256").update(file.fileId, "utf8").digest("hex").slice(0, 24)}`;
  return `${id}/v${file.version}/${safe(file.filename).slice(0, 200) || "content"}`;
}

/** Longest id used as it is in a key: one path component holds 255 bytes. */
const maxIdInKey = 128;
