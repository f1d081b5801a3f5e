import type { Logger } from "../logging/logger.js";

/** Everything one listing needs: the resolved client options plus per-listing state. */
export interface ListContext {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  deadlineMs: number;
  retries: number;
  maxResponseBytes: number;
  maxPages: number;
  retryDelayScale: number;
  maxRetryAfterMs: number;
  logger: Logger;
  /** Wall clock in ms, only for Retry-After dates. Deadlines use the monotonic clock. */
  now: () => number;
  onRequest?: (info: { status: number | "error"; durationMs: number }) => void;
  signal?: AbortSignal;
  /** `performance.now()` value at which this listing has run out of time. */
  deadlineAt: number;
  /** Removes the API key from text that came from outside (bodies, error messages). */
  redact: (text: string) => string;
}
