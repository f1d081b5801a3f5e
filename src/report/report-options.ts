import { InvalidArgumentError } from "commander";

/** Parses a whole number of at least 1 for options such as `--last` and `--days`. */
export function parsePositiveCount(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    throw new InvalidArgumentError("expects a whole number of at least 1");
  }
  return Number(text);
}
