import type { Db } from "../db/prisma.js";
import { insertChangeEvents } from "../db/tables/events.js";
import { closeCurrentVersions, insertChangedVersions } from "../db/tables/file-versions.js";
import {
  collectChangedFiles,
  type RunContext,
  updateChangedFiles,
} from "../db/tables/files-apply.js";

/**
 * Applies staged files whose state differs from the mirror, and disappeared files that are listed
 * again: the row is updated, the current version closed and a new one opened, and a file.updated
 * (each changed field with old and new value) or file.reappeared event written.
 */
export async function applyChangedFiles(
  db: Db,
  run: RunContext,
): Promise<{ updated: number; reappeared: number }> {
  await collectChangedFiles(db, run);
  await updateChangedFiles(db, run);
  await closeCurrentVersions(db, "changes", run.at);
  await insertChangedVersions(db, run);
  return insertChangeEvents(db, run);
}
