import { pipeline, type Readable } from "node:stream";
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { ArchiveS3Config } from "../../config/config.js";
import { ArchiveError } from "../archive-error.js";
import type { ArchiveStore, StoredContent } from "../archive-store.js";
import { ContentCheck } from "../content-check.js";

/** Parts of a multipart upload: S3's minimum is 5 MiB; a few in flight bound the memory. */
const partSize = 8 * 1024 * 1024;
const partsInFlight = 2;

/**
 * Archives into S3-compatible object storage with a streaming multipart upload (lib-storage):
 * at most `partSize * partsInFlight` bytes are held. The content passes the size check on the
 * way; a failed check or download aborts the upload, so no object appears under the key. The
 * SDK's own request checksums are only sent when an operation requires them (S3-compatible
 * servers differ in support); the content's sha256 is computed here either way.
 */
export function makeS3Store(config: ArchiveS3Config): ArchiveStore {
  const client = new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
  });
  const prefix =
    config.prefix === "" || config.prefix.endsWith("/") ? config.prefix : `${config.prefix}/`;
  return {
    name: `s3:${config.bucket}`,
    async put(key: string, content: Readable, expectedBytes: number): Promise<StoredContent> {
      const objectKey = `${prefix}${key}`;
      const check = new ContentCheck(expectedBytes);
      let streamError: unknown;
      pipeline(content, check, (error) => {
        streamError ??= error ?? undefined;
      });
      const upload = new Upload({
        client,
        params: { Bucket: config.bucket, Key: objectKey, Body: check },
        partSize,
        queueSize: partsInFlight,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (error) {
        if (streamError !== undefined) throw streamError;
        throw refused(error, config.bucket);
      }
      if (streamError !== undefined) throw streamError;
      return { key: objectKey, ...check.result() };
    },
  };
}

/** An S3 error as an archive failure: its name and message only (requests carry credentials). */
function refused(error: unknown, bucket: string): ArchiveError {
  const name = (error as { name?: string }).name ?? "Error";
  const message = (error as { message?: string }).message ?? "";
  return new ArchiveError(
    "upload_refused",
    `the S3 upload to bucket ${bucket} failed (${name}: ${message.slice(0, 300)}); check ARCHIVE_S3_BUCKET, the endpoint and the credentials`,
  );
}
