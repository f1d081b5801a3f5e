import { formatDuration } from "../config/duration.js";
import { ConfigError } from "../errors.js";
import { defaultExpiredLookbackMs } from "../expiry/index.js";

const dayMs = 86_400_000;

/**
 * The shortest EVENT_RETENTION that can never make an expiry event be emitted again: the widest
 * warning window or the expired lookback (a week), whichever is longer, plus a day of margin.
 *
 * Why it suffices: an expiry event is written at scan time t while due. A warning is due only
 * before expires_at, and expires_at <= t + (its window); `file.expired` is due only while
 * expires_at >= now - lookback, and expires_at <= t. Retention deletes the event only once
 * now > t + retention >= t + max(window, lookback), when neither can be due again, so its
 * dedupe key is no longer needed to stop a second insert (test/retention-expiry.test.ts).
 */
export function minimumEventRetentionMs(expiryWindowsMs: readonly number[]): number {
  return Math.max(defaultExpiredLookbackMs, ...expiryWindowsMs) + dayMs;
}

/** Throws a ConfigError naming the minimum when EVENT_RETENTION is below it. */
export function checkEventRetention(
  eventRetentionMs: number,
  expiryWindowsMs: readonly number[],
): void {
  const minimum = minimumEventRetentionMs(expiryWindowsMs);
  if (eventRetentionMs < minimum) {
    throw new ConfigError(
      `Invalid configuration:\n  - EVENT_RETENTION: ${formatDuration(eventRetentionMs)} is below the minimum ` +
        `${formatDuration(minimum)} (the widest EXPIRY_WARNING_WINDOWS or the 7-day expired lookback, plus a day); ` +
        "a shorter retention could let an expiry alert be sent twice. Raise it.",
    );
  }
}
