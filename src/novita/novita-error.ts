import { AppError } from "../errors.js";

/** What went wrong when talking to the Novita file API. */
export type NovitaErrorCode =
  | "auth"
  | "forbidden"
  | "not_found"
  | "bad_request"
  | "rate_limited"
  | "unavailable"
  | "timeout"
  | "network"
  | "bad_response"
  | "too_large"
  | "pagination"
  | "deadline"
  | "aborted";

export interface NovitaErrorOptions {
  cause?: unknown;
  /** HTTP status (or numeric envelope code) that produced the error, when there was one. */
  status?: number;
  /** Whether trying again may help; false unless said otherwise. */
  retryable?: boolean;
  /** Wait the server asked for (Retry-After), already converted to milliseconds. */
  retryAfterMs?: number;
}

/**
 * A failed call to the Novita file API. The message says what the operator should do; it never
 * holds the API key, and neither does the `cause` chain (causes are scrubbed copies).
 */
export class NovitaError extends AppError<NovitaErrorCode> {
  /** HTTP status (or numeric envelope code) behind the error, if any. */
  readonly status?: number;
  /** Whether another attempt may succeed (network trouble, 429, 5xx, cut-off bodies). */
  readonly retryable: boolean;
  /** Server-requested wait before the next attempt, in milliseconds (from Retry-After). */
  readonly retryAfterMs?: number;

  constructor(code: NovitaErrorCode, message: string, options: NovitaErrorOptions = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    this.retryable = options.retryable ?? false;
  }
}
