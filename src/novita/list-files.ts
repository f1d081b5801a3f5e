import pRetry from "p-retry";
import type { Logger } from "../logging/logger.js";
import { type BackoffPolicy, backoffDelayMs } from "../retry/backoff.js";
import type { Sleep } from "../time/sleep.js";
import { fetchPage } from "./fetch-page.js";
import { FileCollector, type InvalidItem } from "./file-collector.js";
import type { NovitaFile } from "./file-schema.js";
import { abortedError, deadlineError, NovitaError } from "./novita-error.js";
import type { ListPage } from "./parse-list-page.js";

export type { InvalidItem } from "./file-collector.js";

/** A complete listing of the account's files. Failures throw instead: never a partial list. */
export interface FileListing {
  files: NovitaFile[];
  invalid: InvalidItem[];
  /** ids of invalid items whose id was readable: the sync treats them as seen, never disappeared */
  invalidIds: string[];
  pages: number;
  /** HTTP requests made, retries included. */
  requests: number;
  durationMs: number;
}

/**
 * Lists every file, following OpenAI-style pagination (`has_more` + `last_id` → `?after=`) when
 * the API uses it. A repeated cursor or more than NOVITA_MAX_PAGES pages fails with `pagination`.
 */
export async function listFiles(ctx: ListContext): Promise<FileListing> {
  const started = performance.now();
  const collector = new FileCollector(ctx.logger);
  const seenCursors = new Set<string>();
  let after: string | null = null;
  let pages = 0;
  let requests = 0;
  for (;;) {
    pages += 1;
    const fetched = await fetchPageWithRetry(ctx, {
      url: pageUrl(ctx.baseUrl, after),
      page: pages,
    });
    requests += fetched.attempts;
    collector.addPage(fetched.page.items, pages);
    if (!fetched.page.hasMore) break;
    const cursor = nextCursor(fetched.page);
    if (seenCursors.has(cursor)) {
      throw paginationError(
        `the API returned cursor ${ctx.redact(JSON.stringify(cursor).slice(0, 80))} twice (page ${pages}); the listing would loop`,
      );
    }
    if (pages >= ctx.maxPages) {
      throw paginationError(
        `the API still reported more files after NOVITA_MAX_PAGES (${ctx.maxPages}) pages; raise NOVITA_MAX_PAGES if the account really is that large`,
      );
    }
    seenCursors.add(cursor);
    after = cursor;
  }
  const durationMs = Math.round(performance.now() - started);
  const result = collector.finish();
  ctx.logger.debug(
    { files: result.files.length, invalid: result.invalid.length, pages, requests, durationMs },
    "novita listing complete",
  );
  return { ...result, pages, requests, durationMs };
}

function pageUrl(baseUrl: string, after: string | null): string {
  return after === null
    ? `${baseUrl}/files`
    : `${baseUrl}/files?after=${encodeURIComponent(after)}`;
}

/** `last_id`, or failing that the id of the page's last item (what OpenAI's last_id is). */
function nextCursor(page: ListPage): string {
  if (page.lastId !== null) return page.lastId;
  const last = page.items.at(-1) as { id?: unknown } | undefined;
  if (typeof last?.id === "string" && last.id !== "") return last.id;
  throw paginationError("the API reported has_more without a last_id to continue from");
}

function paginationError(what: string): NovitaError {
  return new NovitaError("pagination", `Novita file listing failed: ${what}`, { retryable: false });
}

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
          const { delayMs, reason } = retryWait(ctx, error, attemptNumber);
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
          await ctx
            .sleep(delayMs, { reason, ...(ctx.signal ? { signal: ctx.signal } : {}) })
            .catch((thrown: unknown) => {
              throw ctx.signal?.aborted ? abortedError() : thrown;
            });
          return true;
        },
      },
    );
    return { page, attempts };
  } catch (error) {
    throw withAttempts(error, attempts);
  }
}

/** 0.5 s, 1 s, 2 s ... capped at 30 s, with jitter, between retries of one page. */
export const listRetryBackoff: BackoffPolicy = { firstDelayMs: 500, maxDelayMs: 30_000 };

/** Retry-After when the server sent one (capped), else the backoff. */
function retryWait(
  ctx: ListContext,
  error: NovitaError,
  attempt: number,
): { delayMs: number; reason: "backoff" | "retry-after" } {
  if (error.retryAfterMs !== undefined) {
    return { delayMs: Math.min(error.retryAfterMs, ctx.maxRetryAfterMs), reason: "retry-after" };
  }
  return { delayMs: backoffDelayMs(attempt, listRetryBackoff), reason: "backoff" };
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

/** Everything one listing needs: the resolved client options plus per-listing state. */
export interface ListContext {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  deadlineMs: number;
  retries: number;
  maxResponseBytes: number;
  maxPages: number;
  /** Waits between retries (injected; tests shorten the backoff). */
  sleep: Sleep;
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
