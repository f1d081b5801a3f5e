import { plainDatabaseError } from "../db/database-error.js";
import type { Db, PrismaClient } from "../db/prisma.js";
import { insertRunEvent } from "../db/tables/events.js";
import {
  classifyListedFiles,
  findMissingFiles,
  insertNewFiles,
  isMirrorEmpty,
  type RunContext,
  resetSeenMissedFiles,
} from "../db/tables/files-apply.js";
import {
  findStagedFiles,
  keepOnlyStagedPositions,
  leaveOutStagedFiles,
  lockStaging,
} from "../db/tables/sync-listing.js";
import { finishRun } from "../db/tables/sync-runs.js";
import { applyTransactionOptions, savepoint, setApplySettings } from "../db/transaction.js";
import { AppError, coerceError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import { applyChangedFiles } from "./apply-listed-files.js";
import { disappearFiles, recordRunMisses } from "./apply-missing-files.js";
import { findRefusedPlaces, warnRefusedFiles } from "./isolate-refused-files.js";
import { describeDataError, isDataError } from "./listing-data-errors.js";
import type { StagedListing } from "./listing-stager.js";
import { planDisappearances } from "./plan-disappearances.js";
import type { RunCounts } from "./run-counts.js";
import type { SyncSettings } from "./sync-settings.js";

export interface ListingRun extends RunContext {
  force: boolean;
  log: Logger;
}

/**
 * Applies a complete staged listing in ONE Prisma transaction: new, changed, reappeared and
 * disappeared files, their versions, their outbox events and the run's counts. A file whose values
 * the database refuses (a data error validation did not foresee) is found, left out and counted
 * as invalid like any invalid item, and the rest is applied in the same run. `invalid` counts the
 * items already left out (validation, and files refused while staging).
 */
export async function applyListing(
  prisma: PrismaClient,
  settings: SyncSettings,
  listing: StagedListing & { invalid: number },
  run: ListingRun,
): Promise<{ status: "succeeded" | "guarded"; counts: RunCounts }> {
  try {
    return await prisma.$transaction(async (tx) => {
      await lockStaging(tx);
      await setApplySettings(tx);
      const { applied, refused } = await writeIsolatingRefused(tx, settings, run, listing);
      return finishApply(tx, settings, run, {
        ...applied,
        filesSeen: listing.files - refused,
        invalid: listing.invalid + refused,
      });
    }, applyTransactionOptions);
  } catch (error) {
    throw plainDatabaseError(error);
  }
}

/** The listing's writes under a savepoint; on a data error, again without the refused files. */
async function writeIsolatingRefused(
  tx: Db,
  settings: SyncSettings,
  run: ListingRun,
  listing: StagedListing,
): Promise<{ applied: Written; refused: number }> {
  const emitCreated = !(await isMirrorEmpty(tx)) || settings.emitCreatedOnBootstrap;
  const bootstrap = { emitCreated, emitBootstrapped: !emitCreated };
  await savepoint(tx, "SAVEPOINT", "listing");
  try {
    return {
      applied: await writeListing(tx, settings, run, { ...bootstrap, staged: listing.files }),
      refused: 0,
    };
  } catch (thrown) {
    const error = plainDatabaseError(thrown);
    if (!isDataError(error)) throw error;
    await savepoint(tx, "ROLLBACK TO SAVEPOINT", "listing");
    const found = await findRefusedPlaces(
      { start: 1, end: listing.lastPosition + 1 },
      (start, end) => probeWrite(tx, run, { start, end }, emitCreated),
    );
    if (found.length === 0) throw describeDataError(coerceError(error), []);
    const reasons = new Map(found.map(({ at, reason }) => [at, reason]));
    const staged = await findStagedFiles(tx, run.runId, [...reasons.keys()]);
    warnRefusedFiles(
      run.log,
      staged.map(({ position, id, page, item }) => ({
        id,
        page,
        index: item,
        reason: reasons.get(position)!,
      })),
    );
    await leaveOutStagedFiles(tx, run.runId, [...reasons.keys()]);
    const left = { ...bootstrap, staged: listing.files - found.length };
    const applied = await writeListing(tx, settings, run, left).catch((retry: unknown) => {
      const retryError = plainDatabaseError(retry);
      throw isDataError(retryError) ? describeDataError(coerceError(retryError), []) : retryError;
    });
    return { applied, refused: found.length };
  }
}

type Written = Awaited<ReturnType<typeof writeListing>>;

/**
 * Writes every file change the staged listing implies (inside the run's transaction), once it has
 * checked that the run's `staged` files are all still there (see checkStagedFiles).
 */
async function writeListing(
  tx: Db,
  settings: SyncSettings,
  run: ListingRun,
  listing: { emitCreated: boolean; emitBootstrapped: boolean; staged: number },
) {
  const { staged, ...bootstrap } = listing;
  await classifyListedFiles(tx, run);
  const missingCounts = await findMissingFiles(tx, run, {
    disappearance: settings.disappearanceConfirmations,
    guard: settings.guardConfirmations,
  });
  checkStagedFiles(missingCounts.stagedFiles, staged);
  const created = await insertNewFiles(tx, run, bootstrap.emitCreated);
  const { updated, reappeared } = await applyChangedFiles(tx, run);
  await resetSeenMissedFiles(tx, run);
  await recordRunMisses(tx, run);
  const plan = planDisappearances(missingCounts, settings, run.force);
  const disappeared = await disappearFiles(tx, run, plan.acceptFromMisses);
  return { ...bootstrap, missingCounts, plan, created, updated, reappeared, disappeared };
}

/**
 * Fails the run, before it writes anything, when its staged listing is not what it staged. Only
 * the sync lock's holder stages, and the next holder empties the staging tables first: a run whose
 * session (and with it the sync lock) was lost between staging and applying can find its rows
 * emptied by the next run, and would then apply an empty listing (every file missing). The
 * staging lock makes that all or nothing, so a count tells.
 */
function checkStagedFiles(found: number, staged: number): void {
  if (found === staged) return;
  throw new AppError(
    "staging_lost",
    `the run's staged listing is gone (${found} of its ${staged} files left in sync_listing): another sync emptied the staging tables after this run lost its database session; nothing was applied, and the next run lists again`,
  );
}

/**
 * Writes the staged files at positions [start, end) as the run would (insert new files, apply
 * changes, with the run's events) under a savepoint it always rolls back, so nothing of it stays:
 * the data error it hit, or null.
 */
async function probeWrite(
  tx: Db,
  run: RunContext,
  positions: { start: number; end: number },
  emitCreated: boolean,
): Promise<Error | null> {
  await savepoint(tx, "SAVEPOINT", "probe");
  let refusal: Error | null = null;
  try {
    await keepOnlyStagedPositions(tx, run.runId, positions);
    await classifyListedFiles(tx, run);
    await insertNewFiles(tx, run, emitCreated);
    await applyChangedFiles(tx, run);
  } catch (thrown) {
    const error = plainDatabaseError(thrown);
    if (!isDataError(error)) throw error;
    refusal = coerceError(error);
  }
  await savepoint(tx, "ROLLBACK TO SAVEPOINT", "probe");
  await savepoint(tx, "RELEASE SAVEPOINT", "probe");
  return refusal;
}

/** The run's own events (bootstrap, guard), its counts and its outcome. */
async function finishApply(
  tx: Db,
  settings: SyncSettings,
  run: ListingRun,
  written: Written & { filesSeen: number; invalid: number },
): Promise<{ status: "succeeded" | "guarded"; counts: RunCounts }> {
  const { missingCounts, plan } = written;
  const counts: RunCounts = {
    filesSeen: written.filesSeen,
    created: written.created,
    updated: written.updated,
    disappeared: written.disappeared,
    reappeared: written.reappeared,
    invalid: written.invalid,
    guarded: plan.held,
  };
  if (written.emitBootstrapped) {
    await insertRunEvent(tx, run, "sync.bootstrapped", {
      files_seen: counts.filesSeen,
      created: counts.created,
      invalid: counts.invalid,
    });
  }
  if (plan.guarded) {
    const data = {
      would_disappear: missingCounts.candidates,
      held_back: plan.held,
      threshold: plan.threshold,
      active_files: missingCounts.activeFiles,
      guard_confirmations: settings.guardConfirmations,
    };
    await insertRunEvent(tx, run, "sync.guarded", data);
    run.log.warn(
      data,
      `mass-disappearance guard: ${missingCounts.candidates} files would disappear (more than ${plan.threshold}); ` +
        `held back ${plan.held}. They disappear once missing for ${settings.guardConfirmations} runs, or run \`sync --force\``,
    );
  }
  const status = plan.guarded ? "guarded" : "succeeded";
  await finishRun(tx, run.runId, status, counts);
  return { status, counts };
}
