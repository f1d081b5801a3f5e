import { classifyFailure } from "./classify-failure.js";
import type { ListContext } from "./list-context.js";
import { abortedError, deadlineError } from "./listing-errors.js";
import type { NovitaError } from "./novita-error.js";
import { describeMessage, type ListPage, parseListPage } from "./parse-list-page.js";
import { readBodyLimited } from "./read-body.js";
import { parseRetryAfter } from "./retry-after.js";
import { errorForStatus } from "./status-error.js";

/** Error bodies are only read for their message; no need for more than this. */
const maxErrorBodyBytes = 64 * 1024;

export interface PageTarget {
  url: string;
  page: number;
  attempt: number;
}

/**
 * One GET of one page: bounded by NOVITA_TIMEOUT_MS (or what is left of the deadline), body
 * size-limited, parsed into a ListPage. Every failure is a NovitaError. Reports the request to
 * `onRequest` and logs one debug line, whatever the outcome.
 */
export async function fetchPage(ctx: ListContext, target: PageTarget): Promise<ListPage> {
  if (ctx.signal?.aborted) throw abortedError();
  const remaining = ctx.deadlineAt - performance.now();
  if (remaining <= 0) throw deadlineError(ctx.deadlineMs, "another request");
  const limitMs = Math.max(1, Math.ceil(Math.min(ctx.timeoutMs, remaining)));
  const timeoutSignal = AbortSignal.timeout(limitMs);
  const signal = ctx.signal ? AbortSignal.any([timeoutSignal, ctx.signal]) : timeoutSignal;
  const started = performance.now();
  let status: number | "error" = "error";
  let phase: "connect" | "body" = "connect";
  let bytes = 0;
  let failure: NovitaError | undefined;
  try {
    const response = await fetch(target.url, {
      method: "GET",
      headers: { Authorization: `Bearer ${ctx.apiKey}`, "Content-Type": "application/json" },
      redirect: "manual",
      signal,
    });
    status = response.status;
    phase = "body";
    if (response.status < 200 || response.status > 299) throw await errorForResponse(ctx, response);
    const body = await readBodyLimited(response, ctx.maxResponseBytes);
    bytes = body.byteLength;
    return parseListPage(body.toString("utf8"), ctx.redact);
  } catch (error) {
    failure = classifyFailure(error, {
      phase,
      timeoutSignal,
      callerSignal: ctx.signal,
      limitMs,
      limitedByDeadline: remaining < ctx.timeoutMs,
      deadlineMs: ctx.deadlineMs,
      origin: new URL(target.url).origin,
      apiKey: ctx.apiKey,
    });
    throw failure;
  } finally {
    const durationMs = Math.round(performance.now() - started);
    reportRequest(ctx, status, durationMs);
    ctx.logger.debug(
      {
        page: target.page,
        attempt: target.attempt,
        status,
        durationMs,
        bytes,
        error: failure?.code,
      },
      "novita list request",
    );
  }
}

async function errorForResponse(ctx: ListContext, response: Response): Promise<NovitaError> {
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), ctx.now());
  const detail = await readErrorDetail(ctx, response);
  return errorForStatus(response.status, {
    label: `HTTP ${response.status}`,
    detail,
    ...(retryAfterMs === null ? {} : { retryAfterMs }),
  });
}

/** The server's explanation: JSON `message`, a redirect target, or the start of the text. */
async function readErrorDetail(ctx: ListContext, response: Response): Promise<string> {
  const location = response.headers.get("location");
  if (response.status >= 300 && response.status <= 399) {
    await response.body?.cancel().catch(() => undefined);
    return location === null ? "" : `to ${ctx.redact(location).slice(0, 200)}`;
  }
  let text: string;
  try {
    text = (await readBodyLimited(response, maxErrorBodyBytes)).toString("utf8");
  } catch {
    return "";
  }
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    return describeMessage(body?.message ?? body?.error, ctx.redact);
  } catch {
    return describeMessage(text, ctx.redact);
  }
}

function reportRequest(ctx: ListContext, status: number | "error", durationMs: number): void {
  try {
    ctx.onRequest?.({ status, durationMs });
  } catch (error) {
    ctx.logger.warn({ err: error }, "novita onRequest callback threw; ignored");
  }
}
