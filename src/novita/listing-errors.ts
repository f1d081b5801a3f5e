import { NovitaError } from "./novita-error.js";

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
