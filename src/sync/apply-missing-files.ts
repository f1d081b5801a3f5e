import type { Db } from "../db/prisma.js";
import { insertDisappearedEvents } from "../db/tables/events.js";
import { closeCurrentVersions, insertDisappearedVersions } from "../db/tables/file-versions.js";
import { markGoneFiles, type RunContext, recordMisses } from "../db/tables/files-apply.js";
import { findLatestAppliedRun } from "../db/tables/sync-runs.js";

/**
 * Counts this run's miss on every missing file. A file missed for the first time keeps, as its
 * last seen time, the start of the latest applied run before this one (the last listing that
 * included it).
 */
export async function recordRunMisses(db: Db, run: RunContext): Promise<void> {
  const previous = await findLatestAppliedRun(db, { excludingRunId: run.runId });
  await recordMisses(db, previous?.startedAt ?? null);
}

/**
 * Marks missing files with at least `acceptFromMisses` consecutive misses as disappeared: new
 * version, closed old one, and a file.disappeared event whose reason is `expired` when the file's
 * expires_at has passed, else `deleted`. Returns how many.
 */
export async function disappearFiles(
  db: Db,
  run: RunContext,
  acceptFromMisses: number,
): Promise<number> {
  await markGoneFiles(db, run, acceptFromMisses);
  await closeCurrentVersions(db, "gone", run.at);
  await insertDisappearedVersions(db, run);
  return insertDisappearedEvents(db, run);
}
