import { parseDuration } from "../config/duration.js";

/**
 * A `--since` value: an ISO 8601 time (`2026-11-27T10:00:00Z`, `2026-11-27`) or a duration back
 * from `now` (`90m`, `2h`, `7d`). Throws a message naming both forms.
 */
export function parseSince(text: string, now: Date): Date {
  try {
    return new Date(now.getTime() - parseDuration(text));
  } catch {
    // not a duration; try a time
  }
  const at = /^\d{4}-\d{2}-\d{2}/.test(text.trim()) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new Error(
      `"${text}" is neither a time (e.g. 2026-11-27T10:00:00Z) nor a duration ago (e.g. 2h, 7d)`,
    );
  }
  return new Date(at);
}
