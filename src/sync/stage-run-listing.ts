import type { SyncSession } from "../db/sync-session.js";
import { coerceError } from "../errors.js";
import type { FileListing } from "../novita/index.js";
import { findRefusedFiles, type RefusedFile } from "./isolate-refused-files.js";
import { describeDataError, isDataError } from "./listing-data-errors.js";

/**
 * Stages the run's listing on the sync's session (COPY, committed, so the apply transaction on
 * another connection reads it) after emptying what a run that died may have left. A file whose
 * values COPY refuses fails the whole COPY, which stages nothing: the listing is then staged part
 * by part, bisecting down to the refused files, which are returned and staged as seen-but-invalid.
 */
export async function stageRunListing(
  session: SyncSession,
  runId: number,
  listing: Pick<FileListing, "files" | "invalidIds">,
): Promise<RefusedFile[]> {
  await session.emptyStaging();
  let refused: RefusedFile[] = [];
  try {
    await session.stageFiles(runId, listing.files);
  } catch (error) {
    if (!isDataError(error)) throw error;
    refused = await findRefusedFiles(listing.files, (part, start) =>
      session.stageFiles(runId, part, start + 1).then(
        () => null,
        (partError: unknown) => {
          if (!isDataError(partError)) throw partError;
          return coerceError(partError);
        },
      ),
    );
    if (refused.length === 0) throw describeDataError(coerceError(error), listing.files);
  }
  await session.stageSeenInvalid(runId, [
    ...listing.invalidIds,
    ...refused.map(({ file }) => file.id),
  ]);
  return refused;
}
