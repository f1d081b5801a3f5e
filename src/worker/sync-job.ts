import type { Logger } from "../logging/logger.js";
import { type SyncDependencies, type SyncOutcome, syncOnce } from "../sync/sync-once.js";
import type { SyncTrigger } from "../sync/sync-settings.js";
import type { WorkerMetrics } from "./metrics.js";

export interface SyncJob {
  /** Runs one sync unless one is already running in this process; then the expiry scan. */
  run(trigger: SyncTrigger): Promise<SyncOutcome | null>;
  /** Resolves when the sync in flight (if any) has finished. */
  idle(): Promise<void>;
  busy(): boolean;
}

/**
 * The worker's sync: an in-process re-entry guard (the database lock is the safety net across
 * processes), metrics, and the follow-up work after each applied run. Never throws.
 */
export function makeSyncJob(options: {
  deps: SyncDependencies;
  metrics: WorkerMetrics;
  logger: Logger;
  afterSync?: () => Promise<void>;
}): SyncJob {
  let inFlight: Promise<SyncOutcome | null> | null = null;
  const runOnce = async (trigger: SyncTrigger): Promise<SyncOutcome | null> => {
    try {
      const outcome = await syncOnce(options.deps, { trigger });
      options.metrics.recordRun(outcome);
      if (options.afterSync !== undefined) {
        await options
          .afterSync()
          .catch((error: unknown) =>
            options.logger.error(
              { err: error },
              "the work after the sync failed; it runs again after the next one",
            ),
          );
      }
      return outcome;
    } catch (error) {
      // syncOnce records its own failures; this is a failure to even start (no database).
      options.logger.error({ err: error, trigger }, "sync could not start");
      return null;
    }
  };
  return {
    run(trigger) {
      if (inFlight !== null) {
        options.logger.info(
          { trigger },
          "a sync is already running in this process; not starting another",
        );
        return Promise.resolve(null);
      }
      inFlight = runOnce(trigger).finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    async idle() {
      await inFlight;
    },
    busy: () => inFlight !== null,
  };
}
