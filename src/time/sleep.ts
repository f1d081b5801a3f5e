/** Why a retry loop waits: its own backoff, or what the server asked for (Retry-After). */
export type WaitReason = "backoff" | "retry-after";

/**
 * Waits before a retry. Injected (tests shorten the backoff without touching what the server
 * asked for); resolves after `ms`, rejects as soon as `signal` aborts.
 */
export type Sleep = (
  ms: number,
  wait: { reason: WaitReason; signal?: AbortSignal },
) => Promise<void>;

/** The real wait: a timer, cancelled when `signal` aborts (the rejection is the signal's reason). */
export const sleep: Sleep = (ms, { signal }) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
