import type { ClaimedArchive } from "../db/tables/archive-records.js";
import { AppError } from "../errors.js";
import type { NovitaClient } from "../novita/make-novita-client.js";
import { NovitaError } from "../novita/novita-error.js";
import { ArchiveError } from "./archive-error.js";
import { type ArchiveStore, archiveKey, type StoredContent } from "./archive-store.js";

/**
 * Downloads one claimed file version into the store. Resolves with what was stored (complete and
 * verified), or throws an ArchiveError whose reason says what went wrong.
 */
export async function archiveOne(
  client: Pick<NovitaClient, "downloadFileContent">,
  store: ArchiveStore,
  claim: ClaimedArchive,
  now: () => Date,
): Promise<StoredContent> {
  let bodyStarted = false;
  try {
    return await client.downloadFileContent(claim.fileId, (content) => {
      bodyStarted = true;
      return store.put(archiveKey(claim), content.body, claim.expectedBytes);
    });
  } catch (error) {
    throw classify(error, claim, bodyStarted, now());
  }
}

function classify(error: unknown, claim: ClaimedArchive, bodyStarted: boolean, now: Date) {
  if (error instanceof ArchiveError) return error;
  if (error instanceof NovitaError) {
    if (error.code === "not_found") {
      if (claim.expiresAt !== null && claim.expiresAt <= now) {
        return new ArchiveError(
          "expired",
          `the file expired (${claim.expiresAt.toISOString()}) before it was archived; its content is gone`,
          { cause: error },
        );
      }
      if (bodyStarted) {
        return new ArchiveError(
          "deleted_while_downloading",
          "the file was deleted from the Novita account while it was being downloaded; nothing was archived",
          { cause: error },
        );
      }
      return new ArchiveError("not_found", error.message, { cause: error });
    }
    if (bodyStarted && ["bad_response", "timeout", "network"].includes(error.code)) {
      return new ArchiveError(
        "cut_mid_stream",
        `the download was cut off mid-stream (${error.message}); nothing was archived, it is retried later`,
        { cause: error },
      );
    }
    return new ArchiveError("download_failed", `download failed: ${error.message}`, {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof AppError ? ` (${error.code})` : "";
  return new ArchiveError("download_failed", `archiving failed${code}: ${message}`, {
    cause: error,
  });
}
