import { AppError, coerceError } from "../errors.js";
import { formatPruneResult } from "./format-prune-result.js";
import { type PruneOptions, type PruneResult, pruneOnce } from "./prune-once.js";

/**
 * Wraps pruneOnce for RETENTION_SCHEDULE: a tick that finds the previous pass still running is
 * skipped, and a failure is logged here, once, and never thrown, so the schedule keeps running
 * (the next pass carries on where this one stopped).
 */
export function makeScheduledPrune(
  options: Omit<PruneOptions, "dryRun">,
): () => Promise<PruneResult | undefined> {
  let running = false;
  return async () => {
    if (running) {
      options.logger.debug("previous prune still running; skipping this tick");
      return undefined;
    }
    running = true;
    try {
      const result = await pruneOnce(options);
      options.logger[result.events + result.runs > 0 ? "info" : "debug"](
        { events: result.events, deliveries: result.deliveries, runs: result.runs },
        formatPruneResult(result),
      );
      return result;
    } catch (thrown) {
      const error = coerceError(thrown);
      options.logger.error(
        { err: error, code: error instanceof AppError ? error.code : undefined },
        `prune failed (${error.message}); it is retried at the next RETENTION_SCHEDULE fire`,
      );
      return undefined;
    } finally {
      running = false;
    }
  };
}
