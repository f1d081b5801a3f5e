import { InvalidArgumentError } from "commander";
import { parseDuration } from "../config/duration.js";

// Option values are checked while commander parses, so a bad one is a usage error (exit 2) that
// names the option, before any database or network is touched.

export function parseWholeNumber(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError("expects a whole number, e.g. 10");
  return Number(text);
}

/** A whole number of at least 1, for options such as `--last`, `--days` and `--limit`. */
export function parsePositiveCount(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    throw new InvalidArgumentError("expects a whole number of at least 1, e.g. 20");
  }
  return Number(text);
}

export function parsePositiveDuration(text: string): number {
  try {
    const ms = parseDuration(text);
    if (ms > 0) return ms;
  } catch {
    // Reported below, in commander's words.
  }
  throw new InvalidArgumentError("expects a duration such as 30m, 6h or 2d");
}

export function parsePositiveSeconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError("expects a number of seconds above 0, e.g. 120");
  }
  return value;
}
