import pRetry from "p-retry";
import type { Logger } from "../logging/logger.js";
import { type BackoffPolicy, backoffDelayMs } from "../retry/backoff.js";
import type { Sleep } from "../time/sleep.js";
import { fetchPage } from "./fetch-page.js";
import { FileCollector } from "./file-collector.js";
import type { NovitaFile } from "./file-schema.js";
import type { ListPageEnvelope } from "./list-page-parser.js";
import type { InvalidItem, ListingSink } from "./listing-sink.js";
import { ListingValidator } from "./listing-validator.js";
import { abortedError, deadlineError, NovitaError } from "./novita-error.js";

export type { InvalidItem } from "./listing-sink.js";

/** What streaming a listing into a sink did. Failures throw instead: never a partial listing. */
export interface ListingSummary {
  /** Items left out because they failed validation. */
  invalid: number;
  pages: number;
  /** HTTP requests made, retries included. */
  requests: number;
  durationMs: number;
}

/** A complete listing held in memory (see FileCollector). */
export interface FileListing extends Omit<ListingSummary, "invalid"> {
  files: NovitaFile[];
  invalid: InvalidItem[];
  /** ids of invalid items whose id was readable: the sync treats them as seen, never disappeared */
  invalidIds: string[];
}

/** Lists every file into memory: streamFiles into a FileCollector. */
export async function listFiles(ctx: ListContext): Promise<FileListing> {
  const collector = new FileCollector();
  const summary = await streamFiles(ctx, collector);
  const { files, invalid, invalidIds } = collector.finish(ctx.logger);
  return { ...summary, files, invalid, invalidIds };
}

/**
 * Streams every file into `sink`, page after page, each page's items validated as its body
 * arrives. Follows OpenAI-style pagination (`has_more` + `last_id` → `?after=`) when the API uses
 * it; a repeated cursor or more than NOVITA_MAX_PAGES pages fails with `pagination`. When this
 * resolves, the sink has received exactly one good response per page; when it throws, the listing
 * is unusable (the sink decides what to drop).
 */
export async function streamFiles(ctx: ListContext, sink: ListingSink): Promise<ListingSummary> {
  const started = performance.now();
  const validator = new ListingValidator(ctx.logger);
  const seenCursors = new Set<string>();
  let after: string | null = null;
  let pages = 0;
  let requests = 0;
  for (;;) {
    pages += 1;
    const fetched = await fetchPageWithRetry(
      ctx,
      { url: pageUrl(ctx.baseUrl, after), page: pages },
      { sink, validator },
    );
    requests += fetched.attempts;
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
  validator.finish();
  const durationMs = Math.round(performance.now() - started);
  const invalid = validator.invalid;
  ctx.logger.debug({ invalid, pages, requests, durationMs }, "novita listing complete");
  return { invalid, pages, requests, durationMs };
}

function pageUrl(baseUrl: string, after: string | null): string {
  return after === null
    ? `${baseUrl}/files`
    : `${baseUrl}/files?after=${encodeURIComponent(after)}`;
}

/** `last_id`, or failing that the id of the page's last item (what OpenAI's last_id is). */
function nextCursor(page: ListPageEnvelope): string {
  if (page.lastId !== null) return page.lastId;
  if (page.lastItemId !== null && page.lastItemId !== "") return page.lastItemId;
  throw paginationError("the API reported has_more without a last_id to continue from");
}

function paginationError(what: string): NovitaError {
  return new NovitaError("pagination", `Novita file listing failed: ${what}`, { retryable: false });
}

export interface FetchedPage {
  page: ListPageEnvelope;
  /** HTTP requests it took, retries included. */
  attempts: number;
}

/**
 * Fetches one page into the sink, retrying retryable failures up to NOVITA_RETRIES times with exponential
 * backoff and jitter, or the server's Retry-After (capped). p-retry runs the loop; the waiting is
 * done here (p-retry's own delay is 0) so that Retry-After and the listing deadline can decide it.
 * Gives up with `deadline` rather than sleep past NOVITA_DEADLINE_MS.
 */
export async function fetchPageWithRetry(
  ctx: ListContext,
  target: { url: string; page: number },
  into: { sink: ListingSink; validator: ListingValidator },
): Promise<FetchedPage> {
  let attempts = 0;
  try {
    const page = await pRetry(
      async (attempt) => {
        attempts = attempt;
        into.validator.startPage(attempt > 1);
        await into.sink.startPage(target.page, attempt > 1);
        return fetchPage(ctx, { ...target, attempt }, (items, firstIndex) =>
          into.sink.add(into.validator.validate(items, target.page, firstIndex)),
        );
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
