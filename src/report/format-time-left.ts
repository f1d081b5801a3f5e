import { formatDuration } from "../config/duration.js";

/** Time until a moment, in words for people: `in 3h 12m`, `in 45s`, `now`, `5m ago`. */
export function formatTimeLeft(ms: number): string {
  if (Math.round(ms) === 0) return "now";
  return ms > 0 ? `in ${formatDuration(ms)}` : `${formatDuration(-ms)} ago`;
}
