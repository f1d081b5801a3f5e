import { abortedError, deadlineError } from "./listing-errors.js";
import { NovitaError } from "./novita-error.js";
import { scrubbedError } from "./redact-secret.js";

export interface FailureSituation {
  /** Whether the response headers had arrived (then a failure is a cut-off body). */
  phase: "connect" | "body";
  timeoutSignal: AbortSignal;
  callerSignal: AbortSignal | undefined;
  /** The per-request limit in force, and whether it was shortened by the listing deadline. */
  limitMs: number;
  limitedByDeadline: boolean;
  deadlineMs: number;
  origin: string;
  apiKey: string;
}

/**
 * Turns whatever fetch or the body stream threw into a NovitaError: caller abort, per-request
 * timeout (retryable) or deadline (final), unreachable server (retryable `network`) or a body cut
 * off mid-way (retryable `bad_response`). Foreign errors become scrubbed causes.
 */
export function classifyFailure(error: unknown, situation: FailureSituation): NovitaError {
  if (error instanceof NovitaError) return error;
  const cause = scrubbedError(error, situation.apiKey);
  if (situation.callerSignal?.aborted) return abortedError();
  if (situation.timeoutSignal.aborted) {
    if (situation.limitedByDeadline) {
      return deadlineError(situation.deadlineMs, "waiting for the response", cause);
    }
    return new NovitaError(
      "timeout",
      `Novita API did not answer within NOVITA_TIMEOUT_MS (${situation.limitMs} ms)`,
      { cause, retryable: true },
    );
  }
  const reason = describeChain(cause);
  if (situation.phase === "body") {
    return new NovitaError(
      "bad_response",
      `Novita response was cut off while reading (${reason})`,
      {
        cause,
        retryable: true,
      },
    );
  }
  return new NovitaError(
    "network",
    `Could not reach the Novita API at ${situation.origin} (${reason}); check NOVITA_BASE_URL and the network`,
    { cause, retryable: true },
  );
}

/** "fetch failed: connect ECONNREFUSED 127.0.0.1:9" from an error and its causes. */
function describeChain(error: Error): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth += 1) {
    if (current.message !== "" && !parts.includes(current.message)) parts.push(current.message);
    current = current.cause;
  }
  return parts.join(": ") || error.name;
}
