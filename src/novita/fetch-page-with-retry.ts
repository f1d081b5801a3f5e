import pRetry from "p-retry";
import { abortableSleep } from "./abortable-sleep.js";
import { backoffDelayMs } from "./backoff.js";
import { fetchPage } from "./fetch-page.js";
import type { ListContext } from "./list-context.js";
import { deadlineError } from "./listing-errors.js";
import { NovitaError } from "./novita-error.js";
import type { ListPage } from "./parse-list-page.js";

export interface FetchedPage {
  page: ListPage;
  /** HTTP requests it took, retries included. */
  attempts: number;
}

/**
 * Fetches one page, retrying retryable failures up to NOVITA_RETRIES times with exponential
 * backoff and jitter, or the server's Retry-After (capped). p-retry runs the loop; the waiting is
 * done here (p-retry's own delay is 0) so that Retry-After and the listing deadline can decide it.
 * Gives up with `deadline` rather than sleep past NOVITA_DEADLINE_MS.
 */
export async function fetchPageWithRetry(
  ctx: ListContext,
  target: { url: string; page: number },
): Promise<FetchedPage> {
  let attempts = 0;
  try {
    const page = await pRetry(
      (attempt) => {
        attempts = attempt;
        return fetchPage(ctx, { ...target, attempt });
      },
      {
        retries: ctx.retries,
        minTimeout: 0,
        factor: 1,
        shouldRetry: async ({ error, attemptNumber }) => {
          if (!(error instanceof NovitaError) || !error.retryable) return false;
          const delayMs = retryDelayMs(ctx, error, attemptNumber);
          if (performance.now() + delayMs >= ctx.deadlineAt) {
            throw deadlineError(ctx.deadlineMs, `waiting ${delayMs} ms to retry`, error);
          }
          ctx.logger.warn(
            {
              page: target.page,
              attempt: attemptNumber,
              delayMs,
              status: error.status,
              code: error.code,
              reason: error.message,
            },
            "novita list request failed; retrying",
          );
          await abortableSleep(delayMs, ctx.signal);
          return true;
        },
      },
    );
    return { page, attempts };
  } catch (error) {
    throw withAttempts(error, attempts);
  }
}

/** Retry-After when the server sent one (not scaled: it is the server's instruction), else backoff. */
function retryDelayMs(ctx: ListContext, error: NovitaError, attempt: number): number {
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, ctx.maxRetryAfterMs);
  return backoffDelayMs(attempt, ctx.retryDelayScale);
}

/** A retryable error that exhausted its retries says so; the original stays as the cause. */
function withAttempts(error: unknown, attempts: number): unknown {
  if (!(error instanceof NovitaError) || !error.retryable || attempts < 2) return error;
  return new NovitaError(error.code, `${error.message} (gave up after ${attempts} attempts)`, {
    cause: error,
    retryable: true,
    ...(error.status === undefined ? {} : { status: error.status }),
  });
}
