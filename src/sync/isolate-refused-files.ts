import { coerceError } from "../errors.js";
import type { Logger } from "../logging/logger.js";

/** A listed file the database would not store, where the listing had it, and the database's word. */
export interface RefusedFile {
  id: string;
  page: number;
  index: number;
  reason: string;
}

/**
 * Writes the part [start, end) of something addressed by consecutive numbers (a chunk's indexes,
 * the staged listing's positions) as the run would: the data error the database answered, or
 * null when it took them. Any other error is thrown.
 */
export type WriteProbe = (start: number, end: number) => Promise<Error | null>;

/**
 * Finds the places whose values the database refuses although validation accepted them, by
 * bisecting [start, end): a part the probe writes without a data error is cleared whole, a part
 * that fails is split in two, down to single places. Parts at one depth are disjoint, so the
 * whole search costs at most log2(size) full writes, and one bad file about two.
 */
export async function findRefusedPlaces(
  range: { start: number; end: number },
  probe: WriteProbe,
): Promise<{ at: number; reason: string }[]> {
  const refused: { at: number; reason: string }[] = [];
  const parts = [range];
  while (parts.length > 0) {
    const { start, end } = parts.pop()!;
    if (end <= start) continue;
    const error = await probe(start, end);
    if (error === null) continue;
    if (end - start === 1) {
      refused.push({ at: start, reason: coerceError(error).message });
      continue;
    }
    const middle = start + Math.ceil((end - start) / 2);
    parts.push({ start: middle, end }, { start, end: middle });
  }
  return refused;
}

/** Logs each refused file as an invalid item, with where it was in the listing and why. */
export function warnRefusedFiles(log: Logger, refused: readonly RefusedFile[]): void {
  for (const { id, page, index, reason } of refused) {
    log.warn(
      { page, index, id, problem: `the database refused it: ${reason}` },
      "novita file item is invalid; left out of the listing",
    );
  }
}
