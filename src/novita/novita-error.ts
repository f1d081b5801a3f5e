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

/** The caller aborted (shutdown): final, never retried. */
export function abortedError(): NovitaError {
  return new NovitaError(
    "aborted",
    "Novita file listing was aborted by the caller (shutting down)",
  );
}

/** The listing ran out of NOVITA_DEADLINE_MS; `what` says where, `cause` is the last failure. */
export function deadlineError(deadlineMs: number, what: string, cause?: unknown): NovitaError {
  return new NovitaError(
    "deadline",
    `Novita file listing gave up: ${what} would pass NOVITA_DEADLINE_MS (${deadlineMs} ms); raise NOVITA_DEADLINE_MS if the API is just slow`,
    cause === undefined ? {} : { cause },
  );
}

export interface StatusErrorContext {
  /** How the status arrived, for the message: "HTTP 503" or "response code 503". */
  label: string;
  /** Server-provided explanation, already scrubbed and shortened; may be empty. */
  detail: string;
  retryAfterMs?: number;
}

/**
 * The error for an unsuccessful status (HTTP status or numeric envelope code): 401/403/404/400
 * and other 4xx are final and say what to fix; 408, 429 and 5xx are retryable.
 */
export function errorForStatus(status: number, context: StatusErrorContext): NovitaError {
  const said = context.detail === "" ? "" : `: ${context.detail}`;
  const where = `(${context.label}${said})`;
  const retryAfterMs = context.retryAfterMs;
  const retryable = (code: ConstructorParameters<typeof NovitaError>[0], message: string) =>
    new NovitaError(code, message, {
      status,
      retryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  const final = (code: ConstructorParameters<typeof NovitaError>[0], message: string) =>
    new NovitaError(code, message, { status, retryable: false });

  if (status === 401) {
    return final("auth", `Novita API rejected the API key ${where}; check NOVITA_API_KEY`);
  }
  if (status === 403) {
    return final(
      "forbidden",
      `Novita API refused to list files ${where}; check that NOVITA_API_KEY belongs to an account allowed to read batch files`,
    );
  }
  if (status === 404) {
    return final(
      "not_found",
      `Novita API has no file list at this address ${where}; check NOVITA_BASE_URL (normally https://api.novita.ai/openai/v1)`,
    );
  }
  if (status === 408) return retryable("timeout", `Novita API timed out the request ${where}`);
  if (status === 429) return retryable("rate_limited", `Novita API is rate limiting ${where}`);
  if (status >= 500 && status <= 599) {
    return retryable("unavailable", `Novita API is unavailable ${where}`);
  }
  if (status >= 400 && status <= 499) {
    return final(
      "bad_request",
      `Novita API rejected the request ${where}; check NOVITA_BASE_URL and whether the API changed`,
    );
  }
  if (status >= 300 && status <= 399) {
    return final(
      "bad_response",
      `Novita API redirected the request ${where}; set NOVITA_BASE_URL to the final address`,
    );
  }
  return final("bad_response", `Novita API answered with an unexpected status ${where}`);
}
