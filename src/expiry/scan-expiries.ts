import type { Db } from "../db/prisma.js";
import { insertDueExpiryEvents } from "../db/tables/events.js";
import { coerceError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import { ExpiryError } from "./expiry-error.js";
import { formatWindow } from "./format-window.js";

/** A week: an expiry missed for longer than this (the service was down) is not announced. */
export const defaultExpiredLookbackMs = 7 * 24 * 3_600_000;

export interface ScanExpiriesOptions {
  /** The Prisma client, or the transaction client of the caller's transaction. */
  db: Db;
  /** EXPIRY_WARNING_WINDOWS (config.expiry.windowsMs): positive whole milliseconds, any order. */
  windowsMs: readonly number[];
  logger: Logger;
  /** The clock to judge by; the database's now() when omitted. Tests move it. */
  now?: Date;
  /**
   * How far back an expiry may lie and still be announced as `file.expired` (after a long
   * outage, older ones are dropped rather than sent weeks late). Defaults to a week.
   */
  expiredLookbackMs?: number;
}

export interface ExpiryScanResult {
  /** The time the scan judged by. */
  scannedAt: Date;
  /** `file.expiring` events emitted. */
  warnings: number;
  /** `file.expired` events emitted. */
  expired: number;
  durationMs: number;
}

/**
 * One expiry scan, from the database alone (no Novita API call, so warnings stay on time while
 * the API is down). Emits each due `file.expiring` / `file.expired` event exactly once across
 * replicas, restarts and retries: one INSERT ... SELECT ... ON CONFLICT (dedupe_key) DO NOTHING.
 * The rules are stated at insertDueExpiryEvents. Throws an ExpiryError; it does not log failures
 * (the caller handles and logs them once).
 */
export async function scanExpiries(options: ScanExpiriesOptions): Promise<ExpiryScanResult> {
  const windows = options.windowsMs.map((ms) => ({ ms, label: formatWindow(ms) }));
  const invalid = windows.find((w) => !Number.isSafeInteger(w.ms) || w.ms <= 0);
  if (invalid !== undefined) {
    throw new ExpiryError(
      "invalid_windows",
      `Expiry warning window ${invalid.ms} ms is not a positive whole number of milliseconds; fix EXPIRY_WARNING_WINDOWS`,
    );
  }
  const started = performance.now();
  let inserted: Awaited<ReturnType<typeof insertDueExpiryEvents>>;
  try {
    inserted = await insertDueExpiryEvents(options.db, {
      now: options.now ?? null,
      windows,
      expiredLookbackMs: options.expiredLookbackMs ?? defaultExpiredLookbackMs,
    });
  } catch (error) {
    throw new ExpiryError(
      "scan_failed",
      `Expiry scan failed (${coerceError(error).message}); it is retried at the next scan, check the database`,
      { cause: error },
    );
  }
  const result = { ...inserted, durationMs: Math.round(performance.now() - started) };
  const emitted = result.warnings + result.expired;
  options.logger[emitted > 0 ? "info" : "debug"](
    { warnings: result.warnings, expired: result.expired, durationMs: result.durationMs },
    `expiry scan emitted ${emitted} event(s)`,
  );
  return result;
}
