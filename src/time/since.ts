import { parseDuration } from "../config/duration.js";

/** A `--since` value: a duration before the command's clock, or a moment. */
export type Since = { kind: "ago"; ms: number } | { kind: "at"; date: Date };

/** A `--since` value that is neither form; the message names both. */
export class SinceError extends Error {}

/**
 * Parses a `--since` value: an ISO 8601 date or time (`2026-11-27`, `2026-11-27T10:00:00Z`; a
 * date alone is midnight UTC) or a duration back from the clock (`90m`, `2h`, `7d`). The date is
 * tried first: its shape (`YYYY-MM-DD...`) is unmistakable, so a malformed date is reported as a
 * bad date rather than as a bad duration.
 */
export function parseSince(text: string): Since {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const date = new Date(trimmed);
    if (Number.isNaN(date.getTime())) {
      throw new SinceError(`"${text}" is not a valid ISO 8601 date or time`);
    }
    return { kind: "at", date };
  }
  try {
    return { kind: "ago", ms: parseDuration(trimmed) };
  } catch {
    throw new SinceError(
      `"${text}" is neither a time (e.g. 2026-11-27T10:00:00Z) nor a duration ago (e.g. 2h, 7d)`,
    );
  }
}

/** The moment a `--since` value names, judged by `now`. */
export function resolveSince(since: Since, now: Date): Date {
  return since.kind === "at" ? since.date : new Date(now.getTime() - since.ms);
}

/** parseSince and resolveSince in one step. */
export function parseSinceAt(text: string, now: Date): Date {
  return resolveSince(parseSince(text), now);
}
