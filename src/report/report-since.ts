import { InvalidArgumentError } from "commander";
import { parseSince as parseSinceValue, type Since, SinceError } from "../time/since.js";

export { resolveSince, type Since } from "../time/since.js";

/**
 * Parses `--since` for a report (see parseSince in src/time/since.ts) as a commander argument
 * parser: a bad value becomes commander's InvalidArgumentError, which the CLI reports as a usage
 * error, worded as the report commands' help words the two forms.
 */
export function parseSince(text: string): Since {
  try {
    return parseSinceValue(text);
  } catch (error) {
    if (!(error instanceof SinceError) || error.message.includes("ISO 8601")) {
      throw new InvalidArgumentError((error as Error).message);
    }
    throw new InvalidArgumentError(
      `"${text}" is neither a duration (24h, 7d) nor an ISO 8601 time (2026-11-20T08:00:00Z)`,
    );
  }
}
