import { parseRetryAfter } from "../retry/retry-after.js";
import type { ListContext } from "./list-files.js";
import { abortedError, deadlineError, errorForStatus, NovitaError } from "./novita-error.js";
import { describeMessage, type ListPage, parseListPage } from "./parse-list-page.js";
import { scrubbedError } from "./redact-secret.js";

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

/**
 * Reads a response body while counting bytes, so a runaway response fails with `too_large`
 * instead of exhausting memory. A declared Content-Length over the limit fails before reading.
 * Stream errors (socket closed, abort) propagate as thrown; the caller classifies them.
 */
export async function readBodyLimited(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = declaredLength(response);
  if (declared !== null && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(`declares ${declared} bytes`, maxBytes);
  }
  const body = response.body;
  if (body === null) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(`went past ${maxBytes} bytes`, maxBytes);
    }
    chunks.push(value);
  }
  if (declared !== null && total !== declared) {
    throw new NovitaError(
      "bad_response",
      `Novita response was cut off: got ${total} of ${declared} bytes`,
      { retryable: true },
    );
  }
  return Buffer.concat(chunks, total);
}

/** Content-Length, when it describes the bytes we will read (not for compressed bodies). */
function declaredLength(response: Response): number | null {
  const encoding = response.headers.get("content-encoding");
  if (encoding !== null && encoding !== "identity") return null;
  const header = response.headers.get("content-length");
  if (header === null || !/^\d+$/.test(header.trim())) return null;
  return Number(header);
}

function tooLarge(what: string, maxBytes: number): NovitaError {
  return new NovitaError(
    "too_large",
    `Novita file list response ${what}, over NOVITA_MAX_RESPONSE_BYTES (${maxBytes}); raise NOVITA_MAX_RESPONSE_BYTES if the account really holds that many files`,
    { retryable: false },
  );
}

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
