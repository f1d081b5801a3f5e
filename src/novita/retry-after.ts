/**
 * Parses a Retry-After header into milliseconds from now: either delay-seconds ("120", decimals
 * tolerated) or an HTTP date, compared with `nowMs` (wall clock). Dates in the past give 0.
 * Returns null when the header is absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | null {
  if (header === null || header === undefined) return null;
  const text = header.trim();
  if (text === "") return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date always names a weekday or month; this keeps bare numbers like "-1" out of Date.parse.
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}
