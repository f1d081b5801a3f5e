import { AppError, coerceError } from "../errors.js";
import { type ExpiryScanResult, type ScanExpiriesOptions, scanExpiries } from "./scan-expiries.js";

/**
 * Wraps scanExpiries for a schedule (the worker calls the returned function on each cron tick):
 * a tick that finds the previous scan still running is skipped, and a failure is logged here,
 * once, and never thrown, so the schedule keeps running. Resolves to the scan's result, or
 * undefined when skipped or failed. `now` is read per tick, for tests that move a clock.
 */
export function makeScheduledExpiryScan(
  options: Omit<ScanExpiriesOptions, "now"> & { now?: () => Date },
): () => Promise<ExpiryScanResult | undefined> {
  const { now: readClock, ...scanOptions } = options;
  let running = false;
  return async () => {
    if (running) {
      options.logger.debug("previous expiry scan still running; skipping this tick");
      return undefined;
    }
    running = true;
    try {
      const now = readClock?.();
      return await scanExpiries({ ...scanOptions, ...(now === undefined ? {} : { now }) });
    } catch (thrown) {
      const error = coerceError(thrown);
      options.logger.error(
        { err: error, code: error instanceof AppError ? error.code : undefined },
        error.message,
      );
      return undefined;
    } finally {
      running = false;
    }
  };
}
