import { NovitaError } from "./novita-error.js";

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
