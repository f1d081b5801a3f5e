/** The shape of an exponential backoff: the first ceiling and the cap. */
export interface BackoffPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
}

/**
 * The wait before retry number `attempt` (1 = the first retry): the ceiling doubles from
 * `firstDelayMs` up to `maxDelayMs`, and the wait is between half and all of it ("equal jitter"),
 * so that many callers failing at once do not come back at once, yet none retries at once.
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** For loops that must not die (the dispatcher, the LISTEN connection): 1 s, 2 s, 4 s ... 30 s. */
export const restartBackoff: BackoffPolicy = { firstDelayMs: 1_000, maxDelayMs: 30_000 };
