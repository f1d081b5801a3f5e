import { sqlStateOf } from "../db/database-error.js";
import type { DatabaseHandles } from "../db/open-database.js";
import type { PrismaClient } from "../db/prisma.js";
import { isConnectionError, type SyncSession, withSyncSession } from "../db/sync-session.js";
import { closeAbandonedRuns, failRun, openRun, recordSkippedRun } from "../db/tables/sync-runs.js";
import { AppError, coerceError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import type { ListingSink, ListingSummary } from "../novita/index.js";
import { applyListing } from "./apply-listing.js";
import { largeChangeOf } from "./large-change.js";
import { ListingStager } from "./listing-stager.js";
import { emptyCounts, type RunCounts } from "./run-counts.js";
import type { SyncSettings, SyncTrigger } from "./sync-settings.js";

export interface SyncDependencies {
  /** The pool (for the sync's own session) and the Prisma client on it. */
  db: DatabaseHandles;
  /** Streams the complete listing into the sink, or throws: never a partial one. */
  streamFiles: (sink: ListingSink) => Promise<ListingSummary>;
  logger: Logger;
  settings: SyncSettings;
}

export type SyncStatus = "succeeded" | "failed" | "guarded" | "skipped";

export interface SyncOutcome {
  runId: number;
  status: SyncStatus;
  counts: RunCounts;
  durationMs: number;
  /** For a failed run: what went wrong (already recorded in sync_runs.error). */
  error?: Error;
}

/**
 * One sync run, on a session that holds the sync lock from before the fetch to after the apply:
 * open the run row, stream the listing into the staging tables while it downloads (COPY on that
 * session), then apply it in ONE Prisma transaction (new, changed, reappeared and disappeared files, their versions, their
 * outbox events and the run's counts). If anything fails, nothing of the run is applied and the
 * run row ends `failed` with the reason, and its staged rows are deleted. An applied run's staged
 * rows stay until the next run, which deletes them while its own listing downloads.
 */
export async function syncOnce(
  deps: SyncDependencies,
  options: { trigger: SyncTrigger; force?: boolean },
): Promise<SyncOutcome> {
  const started = performance.now();
  const { prisma } = deps.db;
  return withSyncSession(deps.db.pool, deps.logger, async (session) => {
    if (session === null) {
      const runId = await recordSkippedRun(prisma, options.trigger);
      deps.logger.warn(
        { runId, trigger: options.trigger },
        "sync skipped: another sync is running",
      );
      return { runId, status: "skipped", counts: emptyCounts, durationMs: 0 };
    }
    const run = await openRun(prisma, options.trigger);
    const log = deps.logger.child({ runId: run.id, trigger: options.trigger });
    let invalid = 0;
    try {
      const abandoned = await closeAbandonedRuns(prisma, run.id);
      if (abandoned > 0) log.warn({ abandoned }, "closed runs left running by a process that died");
      // Staged rows are the previous run's, or stale. TRUNCATE empties the tables at once when
      // the role may; else rows under this run's id (ids restart after TRUNCATE ... RESTART
      // IDENTITY) go first, and the previous run's while this listing downloads.
      let emptied = Promise.resolve();
      if (!(await session.truncateStaging())) {
        await session.unstageFrom(run.id, { position: 1, invalidPosition: 1 });
        emptied = session.emptyOtherRuns(run.id);
        emptied.catch(() => undefined);
      }
      const stager = new ListingStager(session, run.id, log);
      const listing = await deps.streamFiles(stager).catch(async (error: unknown) => {
        await Promise.allSettled([stager.abandon(), emptied]);
        throw error;
      });
      await emptied;
      const staged = await stager.finish();
      const stagedAt = performance.now();
      invalid = listing.invalid + staged.refused.length;
      const { status, counts } = await applyListing(
        prisma,
        deps.settings,
        { ...staged, invalid },
        {
          runId: run.id,
          at: run.startedAt,
          force: options.force ?? false,
          log,
        },
      );
      const durationMs = Math.round(performance.now() - started);
      const details = {
        status,
        ...counts,
        durationMs,
        // Streaming the listing into staging (download, parsing and COPY overlap), then the apply.
        stagingMs: Math.round(stagedAt - started),
        applyMs: Math.round(performance.now() - stagedAt),
        requests: listing.requests,
      };
      const { filesSeen, ...changes } = counts;
      if (status === "succeeded" && Object.values(changes).every((n) => n === 0)) {
        // The common case, every few minutes: one short line; the counts at debug.
        log.debug(details, "sync details");
        log.info(`sync succeeded: nothing changed (${filesSeen} files, ${durationMs} ms)`);
      } else {
        log.info(details, `sync ${status}`);
      }
      await vacuumAfterLargeChange(session, counts, log);
      return { runId: run.id, status, counts, durationMs };
    } catch (thrown) {
      const error = coerceError(thrown);
      // After a lost database connection or network the emptying would likely only wait out
      // another timeout; the next run deletes rows staged by any other run anyway. (The API's
      // own network errors are AppErrors: the database is fine then.)
      if (error instanceof AppError || !isConnectionError(error))
        await session
          .emptyStaging()
          .catch((emptyError: unknown) =>
            log.warn({ err: emptyError }, "could not empty the staging tables; the next run will"),
          );
      await recordFailure(prisma, run.id, error, invalid, log);
      const durationMs = Math.round(performance.now() - started);
      log.error(
        { err: error, code: errorCodeOf(error), durationMs },
        `sync failed: ${error.message}`,
      );
      return {
        runId: run.id,
        status: "failed",
        counts: { ...emptyCounts, invalid },
        durationMs,
        error,
      };
    }
  });
}

/**
 * After a run that wrote a large share of the mirror, vacuums its tables at once (see
 * SyncSession.vacuumMirror) rather than leave the next runs to pay for it. The run is already
 * committed: a failure here is only logged.
 */
async function vacuumAfterLargeChange(
  session: SyncSession,
  counts: RunCounts,
  log: Logger,
): Promise<void> {
  const written = largeChangeOf(counts);
  if (written === 0) return;
  const started = performance.now();
  try {
    if (await session.vacuumMirror()) {
      const vacuumMs = Math.round(performance.now() - started);
      log.info(
        { written, vacuumMs },
        `vacuumed files and file_versions after a large change (${written} files written)`,
      );
    } else {
      log.info(
        { written },
        "did not vacuum files and file_versions after a large change: only their owner may; autovacuum will",
      );
    }
  } catch (error) {
    log.warn(
      { err: error },
      "could not vacuum files and file_versions after a large change; autovacuum will",
    );
  }
}

async function recordFailure(
  prisma: PrismaClient,
  runId: number,
  error: Error,
  invalid: number,
  log: Logger,
): Promise<void> {
  await failRun(prisma, runId, {
    errorCode: errorCodeOf(error),
    message: error.message,
    invalid,
  }).catch((recordError: unknown) =>
    log.error(
      { err: recordError },
      "could not record the failed run; the next run will close it as abandoned",
    ),
  );
}

function errorCodeOf(error: Error): string {
  if (error instanceof AppError) return error.code;
  return sqlStateOf(error) === undefined ? "internal" : "database";
}
