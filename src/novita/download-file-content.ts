import { PassThrough, pipeline, Readable } from "node:stream";
import pRetry from "p-retry";
import { AppError } from "../errors.js";
import { backoffDelayMs } from "../retry/backoff.js";
import { parseRetryAfter } from "../retry/retry-after.js";
import { classifyFailure, readBodyLimited } from "./fetch-page.js";
import { type ListContext, listRetryBackoff } from "./list-files.js";
import { describeMessage } from "./list-page-parser.js";
import { abortedError, errorForStatus, NovitaError } from "./novita-error.js";

/** A content response as the consumer sees it: a Node stream, never a buffer. */
export interface FileContent {
  body: Readable;
  /** Content-Length, when the server sent one. */
  declaredBytes: number | null;
  /** 1 for the first request, 2 for the first retry ... */
  attempt: number;
}

/** What one download needs: the client's resolved options (no listing deadline applies). */
export type DownloadContext = Omit<ListContext, "deadlineAt" | "maxPages" | "maxResponseBytes">;

/**
 * Downloads `GET {baseUrl}/files/{id}/content` and hands the body, as a stream, to `consume`,
 * whose result is returned. Retryable failures (network, 408/429/5xx, a body cut off mid-way, no
 * bytes for NOVITA_TIMEOUT_MS) are retried like a list page: NOVITA_RETRIES times, with the same
 * backoff and Retry-After handling; each retry calls `consume` again with a fresh stream, so the
 * consumer must start over. Errors `consume` throws for other reasons (the content failed its
 * checks, the store refused it) are not retried here. 404 is a final `not_found`.
 */
export async function downloadFileContent<T>(
  ctx: DownloadContext,
  fileId: string,
  consume: (content: FileContent) => Promise<T>,
): Promise<T> {
  return pRetry((attempt) => downloadOnce(ctx, fileId, attempt, consume), {
    retries: ctx.retries,
    minTimeout: 0,
    factor: 1,
    shouldRetry: async ({ error, attemptNumber }) => {
      if (!(error instanceof NovitaError) || !error.retryable) return false;
      const delayMs =
        error.retryAfterMs === undefined
          ? backoffDelayMs(attemptNumber, listRetryBackoff)
          : Math.min(error.retryAfterMs, ctx.maxRetryAfterMs);
      ctx.logger.warn(
        { fileId, attempt: attemptNumber, delayMs, code: error.code, reason: error.message },
        "novita content download failed; retrying",
      );
      const reason = error.retryAfterMs === undefined ? "backoff" : "retry-after";
      await ctx
        .sleep(delayMs, { reason, ...(ctx.signal ? { signal: ctx.signal } : {}) })
        .catch((thrown: unknown) => {
          throw ctx.signal?.aborted ? abortedError() : thrown;
        });
      return true;
    },
  });
}

async function downloadOnce<T>(
  ctx: DownloadContext,
  fileId: string,
  attempt: number,
  consume: (content: FileContent) => Promise<T>,
): Promise<T> {
  if (ctx.signal?.aborted) throw abortedError();
  // An idle timeout, not a total one: a large file may take long, a stalled one may not.
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(), ctx.timeoutMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), ctx.timeoutMs);
  };
  const signal = ctx.signal ? AbortSignal.any([idle.signal, ctx.signal]) : idle.signal;
  const url = `${ctx.baseUrl}/files/${encodeURIComponent(fileId)}/content`;
  let phase: "connect" | "body" = "connect";
  // What the body stream failed with on its own (a consumer's error also reaches it, later).
  let sourceError: unknown;
  const started = performance.now();
  let status: number | "error" = "error";
  try {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${ctx.apiKey}` },
      redirect: "manual",
      signal,
    });
    status = response.status;
    phase = "body";
    touch();
    if (response.status < 200 || response.status > 299) {
      throw await errorForContentStatus(ctx, fileId, response);
    }
    const source =
      response.body === null ? Readable.from([]) : Readable.fromWeb(response.body as never);
    const body = new PassThrough();
    source.on("data", touch);
    source.on("error", (error) => {
      sourceError ??= error;
    });
    pipeline(source, body, () => undefined);
    return await consume({ body, declaredBytes: declaredLength(response), attempt });
  } catch (error) {
    if (error instanceof NovitaError) throw error;
    const bodyFailed = sourceError !== undefined && !(sourceError instanceof AppError);
    if (phase === "connect" || bodyFailed || signal.aborted) {
      throw classifyFailure(error, {
        phase,
        timeoutSignal: idle.signal,
        callerSignal: ctx.signal,
        limitMs: ctx.timeoutMs,
        limitedByDeadline: false,
        deadlineMs: ctx.timeoutMs,
        origin: new URL(url).origin,
        apiKey: ctx.apiKey,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
    ctx.onRequest?.({ status, durationMs: Math.round(performance.now() - started) });
  }
}

async function errorForContentStatus(
  ctx: DownloadContext,
  fileId: string,
  response: Response,
): Promise<NovitaError> {
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), ctx.now());
  let detail = "";
  try {
    const text = (await readBodyLimited(response, 64 * 1024)).toString("utf8");
    const parsed = JSON.parse(text) as { message?: unknown };
    detail = describeMessage(parsed?.message ?? text, ctx.redact);
  } catch {
    // The status alone says enough.
  }
  if (response.status === 404) {
    return new NovitaError(
      "not_found",
      `Novita has no content for file ${fileId} (HTTP 404${detail === "" ? "" : `: ${detail}`}); it expired or was deleted before it could be archived`,
      { status: 404 },
    );
  }
  return errorForStatus(response.status, {
    label: `HTTP ${response.status}`,
    detail,
    ...(retryAfterMs === null ? {} : { retryAfterMs }),
  });
}

function declaredLength(response: Response): number | null {
  const header = response.headers.get("content-length");
  return header !== null && /^\d+$/.test(header.trim()) ? Number(header) : null;
}
