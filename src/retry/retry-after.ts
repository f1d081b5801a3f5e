/**
 * A Retry-After header in milliseconds from `nowMs` (wall clock): delay-seconds ("120", decimals
 * tolerated) or an HTTP date; a date in the past gives 0. Null when absent or unreadable. Used for
 * the Novita API's answers and for webhook receivers' alike.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | null {
  const text = header?.trim() ?? "";
  if (text === "") return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date always names a weekday or month; this keeps bare numbers like "-1" out of Date.parse.
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
