import { InvalidArgumentError } from "commander";
import { parseDuration } from "../config/duration.js";

/** A `--since` value: a duration before the report's clock, or a moment. */
export type Since = { kind: "ago"; ms: number } | { kind: "at"; date: Date };

/**
 * Parses `--since`: a duration (`24h`, `7d`, `1h30m`: that long ago) or an ISO 8601 date or time
 * (`2026-11-20`, `2026-11-20T08:00:00Z`; a date alone is midnight UTC). Throws commander's
 * InvalidArgumentError so that the CLI reports it as a usage error.
 */
export function parseSince(text: string): Since {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const date = new Date(trimmed);
    if (Number.isNaN(date.getTime())) {
      throw new InvalidArgumentError(`"${text}" is not a valid ISO 8601 date or time`);
    }
    return { kind: "at", date };
  }
  try {
    return { kind: "ago", ms: parseDuration(trimmed) };
  } catch {
    throw new InvalidArgumentError(
      `"${text}" is neither a duration (24h, 7d) nor an ISO 8601 time (2026-11-20T08:00:00Z)`,
    );
  }
}

/** The moment a `--since` value names, judged by `now`. */
export function resolveSince(since: Since, now: Date): Date {
  return since.kind === "at" ? since.date : new Date(now.getTime() - since.ms);
}
