import type pg from "pg";
import type { NovitaFile } from "../novita/index.js";
import { applyChangedFiles, insertNewFiles, type RunContext } from "./apply-listed-files.js";
import { isDataError } from "./listing-data-errors.js";
import { stageListing } from "./stage-listing.js";

/** A listed file the database would not store, with the database's own message. */
export interface RefusedFile {
  file: NovitaFile;
  reason: string;
}

/**
 * Finds the files whose values the database refuses although validation accepted them, by
 * bisecting the listing: a part that writes without a data error is cleared whole, a part that
 * fails is split in two, down to single files. Each probe writes its part as the run would (stage,
 * insert new files, apply changes, with the run's events) under a savepoint it always rolls back,
 * so nothing of it stays. Parts at one depth are disjoint, so the whole search costs at most
 * log2(files) full writes, and one bad file about two. The caller's transaction must be clean.
 */
export async function findRefusedFiles(
  client: pg.ClientBase,
  files: readonly NovitaFile[],
  run: RunContext & { emitCreated: boolean },
): Promise<RefusedFile[]> {
  const refused: RefusedFile[] = [];
  const parts: (readonly NovitaFile[])[] = [files];
  while (parts.length > 0) {
    const part = parts.pop()!;
    const error = await probeWrite(client, part, run);
    if (error === null) continue;
    if (part.length === 1) {
      refused.push({ file: part[0]!, reason: error.message });
      continue;
    }
    const middle = Math.ceil(part.length / 2);
    parts.push(part.slice(middle), part.slice(0, middle));
  }
  return refused;
}

/** Writes `files` as the run would, then undoes it: the data error it hit, or null. */
async function probeWrite(
  client: pg.ClientBase,
  files: readonly NovitaFile[],
  run: RunContext & { emitCreated: boolean },
): Promise<Error | null> {
  await client.query("SAVEPOINT probe");
  let refusal: Error | null = null;
  try {
    await stageListing(client, files, []);
    await insertNewFiles(client, run, run.emitCreated);
    await applyChangedFiles(client, run);
  } catch (error) {
    if (!isDataError(error)) throw error;
    refusal = error as Error;
  }
  await client.query("ROLLBACK TO SAVEPOINT probe; RELEASE SAVEPOINT probe");
  return refusal;
}
