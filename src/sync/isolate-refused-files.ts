import { coerceError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import type { NovitaFile } from "../novita/index.js";

/** A listed file the database would not store, with the database's own message. */
export interface RefusedFile {
  file: NovitaFile;
  reason: string;
}

/**
 * Writes `part` (the files from `start` of the listing) as the run would: the data error the
 * database answered, or null when it took them. Any other error is thrown.
 */
export type WriteProbe = (part: readonly NovitaFile[], start: number) => Promise<Error | null>;

/**
 * Finds the files whose values the database refuses although validation accepted them, by
 * bisecting the listing: a part the probe writes without a data error is cleared whole, a part
 * that fails is split in two, down to single files. Parts at one depth are disjoint, so the whole
 * search costs at most log2(files) full writes, and one bad file about two.
 */
export async function findRefusedFiles(
  files: readonly NovitaFile[],
  probe: WriteProbe,
): Promise<RefusedFile[]> {
  const refused: RefusedFile[] = [];
  const parts: { start: number; end: number }[] = [{ start: 0, end: files.length }];
  while (parts.length > 0) {
    const { start, end } = parts.pop()!;
    const error = await probe(files.slice(start, end), start);
    if (error === null) continue;
    if (end - start === 1) {
      refused.push({ file: files[start]!, reason: coerceError(error).message });
      continue;
    }
    const middle = start + Math.ceil((end - start) / 2);
    parts.push({ start: middle, end }, { start, end: middle });
  }
  return refused;
}

/** Logs each refused file as an invalid item, with where it was in the listing and why. */
export function warnRefusedFiles(log: Logger, refused: readonly RefusedFile[]): void {
  for (const { file, reason } of refused) {
    log.warn(
      {
        page: file.page,
        index: file.index,
        id: file.id,
        problem: `the database refused it: ${reason}`,
      },
      "novita file item is invalid; left out of the listing",
    );
  }
}
