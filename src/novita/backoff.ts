const firstDelayMs = 500;
const maxDelayMs = 30_000;

/**
 * Exponential backoff with jitter for retry number `attempt` (1 = first retry): 0.5 s, 1 s, 2 s
 * ... capped at 30 s, each between half and all of that ("equal jitter"), times `scale`.
 */
export function backoffDelayMs(attempt: number, scale: number, random: () => number = Math.random) {
  const ceiling = Math.min(maxDelayMs, firstDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round((ceiling / 2 + random() * (ceiling / 2)) * scale);
}
