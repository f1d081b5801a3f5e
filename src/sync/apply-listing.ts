import type pg from "pg";
import { coerceError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import type { FileListing, NovitaFile } from "../novita/index.js";
import { applyChangedFiles, insertNewFiles, resetSeenMissedFiles } from "./apply-listed-files.js";
import { disappearFiles, findMissingFiles, recordMisses } from "./apply-missing-files.js";
import { findRefusedFiles } from "./isolate-refused-files.js";
import { describeDataError, isDataError } from "./listing-data-errors.js";
import { planDisappearances } from "./plan-disappearances.js";
import { stageListing } from "./stage-listing.js";
import { finishRun, type RunCounts } from "./sync-runs.js";
import type { SyncSettings } from "./sync-settings.js";

export interface ListingRun {
  runId: number;
  at: Date;
  force: boolean;
  log: Logger;
}

/**
 * Applies a complete listing in ONE transaction: new, changed, reappeared and disappeared files,
 * their versions, their outbox events and the run's counts. A file whose values the database
 * refuses (a data error validation did not foresee) is found, left out and counted as invalid
 * like any invalid item, and the rest is applied in the same run.
 */
export async function applyListing(
  client: pg.ClientBase,
  settings: SyncSettings,
  listing: FileListing,
  run: ListingRun,
): Promise<{ status: "succeeded" | "guarded"; counts: RunCounts }> {
  await client.query("BEGIN");
  try {
    const { rows } = await client.query<{ empty: boolean }>(
      "SELECT NOT EXISTS (SELECT 1 FROM files) AS empty",
    );
    const bootstrap = rows[0]!.empty;
    const emitCreated = !bootstrap || settings.emitCreatedOnBootstrap;
    let files = listing.files;
    let invalidIds = listing.invalidIds;
    let refused = 0;
    await client.query("SAVEPOINT listing");
    let written: Written;
    try {
      written = await writeListing(client, settings, run, { files, invalidIds, emitCreated });
    } catch (error) {
      if (!isDataError(error)) throw error;
      await client.query("ROLLBACK TO SAVEPOINT listing");
      const found = await findRefusedFiles(client, files, { ...run, emitCreated });
      if (found.length === 0) throw describeDataError(coerceError(error), files);
      for (const { file, reason } of found) {
        run.log.warn(
          {
            page: file.page,
            index: file.index,
            id: file.id,
            problem: `the database refused it: ${reason}`,
          },
          "novita file item is invalid; left out of the listing",
        );
      }
      const refusedIds = new Set(found.map(({ file }) => file.id));
      files = files.filter((file) => !refusedIds.has(file.id));
      invalidIds = [...invalidIds, ...refusedIds];
      refused = found.length;
      written = await writeListing(client, settings, run, { files, invalidIds, emitCreated }).catch(
        (retryError: unknown) => {
          throw isDataError(retryError)
            ? describeDataError(coerceError(retryError), files)
            : retryError;
        },
      );
    }
    const { missingCounts, plan } = written;
    const counts: RunCounts = {
      filesSeen: files.length,
      created: written.created,
      updated: written.updated,
      disappeared: written.disappeared,
      reappeared: written.reappeared,
      invalid: listing.invalid.length + refused,
      guarded: plan.held,
    };
    if (bootstrap && !settings.emitCreatedOnBootstrap) {
      await writeRunEvent(client, run, "sync.bootstrapped", {
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
      await writeRunEvent(client, run, "sync.guarded", data);
      run.log.warn(
        data,
        `mass-disappearance guard: ${missingCounts.candidates} files would disappear (more than ${plan.threshold}); ` +
          `held back ${plan.held}. They disappear once missing for ${settings.guardConfirmations} runs, or run \`sync --force\``,
      );
    }
    const status = plan.guarded ? "guarded" : "succeeded";
    await finishRun(client, run.runId, status, counts);
    await client.query("COMMIT");
    return { status, counts };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

type Written = Awaited<ReturnType<typeof writeListing>>;

/** Stages the listing and writes every file change it implies (inside the run's transaction). */
async function writeListing(
  client: pg.ClientBase,
  settings: SyncSettings,
  run: ListingRun,
  listing: { files: readonly NovitaFile[]; invalidIds: readonly string[]; emitCreated: boolean },
) {
  await stageListing(client, listing.files, listing.invalidIds);
  const missingCounts = await findMissingFiles(
    client,
    settings.disappearanceConfirmations,
    settings.guardConfirmations,
  );
  const created = await insertNewFiles(client, run, listing.emitCreated);
  const { updated, reappeared } = await applyChangedFiles(client, run);
  await resetSeenMissedFiles(client, run);
  await recordMisses(client, run);
  const plan = planDisappearances(missingCounts, settings, run.force);
  const disappeared = await disappearFiles(client, run, plan.acceptFromMisses);
  return { missingCounts, plan, created, updated, reappeared, disappeared };
}

async function writeRunEvent(
  client: pg.ClientBase,
  run: { runId: number; at: Date },
  type: "sync.bootstrapped" | "sync.guarded",
  data: object,
): Promise<void> {
  await client.query(
    `INSERT INTO events (type, file_id, occurred_at, data, sync_run_id) VALUES ($1, NULL, $2, $3, $4)`,
    [type, run.at, JSON.stringify({ run_id: run.runId, ...data }), run.runId],
  );
}
