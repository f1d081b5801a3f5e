import { parseRetryAfter } from "../retry/retry-after.js";
import type { ListContext } from "./list-files.js";
import { describeMessage, type ListPageEnvelope, ListPageParser } from "./list-page-parser.js";
import { abortedError, deadlineError, errorForStatus, NovitaError } from "./novita-error.js";
import { scrubbedError } from "./redact-secret.js";

/** Error bodies are only read for their message; no need for more than this. */
const maxErrorBodyBytes = 64 * 1024;

export interface PageTarget {
  url: string;
  page: number;
  attempt: number;
}

/** Receives a page's items as they are parsed (index: position of the first in the page). */
export type PageItemsHandler = (items: unknown[], firstIndex: number) => Promise<void>;

/**
 * One GET of one page, read as it arrives: each piece of the body is parsed and its completed
 * items handed to `onItems`, which is awaited before the next piece is read (so a slow consumer
 * slows the download instead of piling items up in memory). The envelope is checked at the end:
 * a page is only good once its whole body was read. NOVITA_TIMEOUT_MS bounds the wait for the
 * response and then each wait for more of the body (or what is left of the deadline); the body is
 * size-limited. Every failure of the request is a NovitaError; an error thrown by `onItems` is
 * passed on as it is. Reports the request to `onRequest` and logs one debug line, whatever the
 * outcome.
 */
export async function fetchPage(
  ctx: ListContext,
  target: PageTarget,
  onItems: PageItemsHandler,
): Promise<ListPageEnvelope> {
  if (ctx.signal?.aborted) throw abortedError();
  const remaining = ctx.deadlineAt - performance.now();
  if (remaining <= 0) throw deadlineError(ctx.deadlineMs, "another request");
  const watchdog = new ReadWatchdog(ctx);
  const signal = ctx.signal ? AbortSignal.any([watchdog.signal, ctx.signal]) : watchdog.signal;
  const started = performance.now();
  let status: number | "error" = "error";
  let phase: "connect" | "body" = "connect";
  const counted = { bytes: 0 };
  let failure: unknown;
  try {
    watchdog.arm();
    const response = await fetch(target.url, {
      method: "GET",
      headers: { Authorization: `Bearer ${ctx.apiKey}`, "Content-Type": "application/json" },
      redirect: "manual",
      signal,
    });
    status = response.status;
    phase = "body";
    if (response.status < 200 || response.status > 299) throw await errorForResponse(ctx, response);
    return await readListBody(ctx, response, { watchdog, onItems, counted });
  } catch (error) {
    if (error instanceof ConsumerFailure) {
      failure = error.cause;
      throw error.cause;
    }
    failure = classifyFailure(error, {
      phase,
      timeoutSignal: watchdog.signal,
      callerSignal: ctx.signal,
      limitMs: watchdog.limitMs,
      limitedByDeadline: watchdog.limitedByDeadline,
      deadlineMs: ctx.deadlineMs,
      origin: new URL(target.url).origin,
      apiKey: ctx.apiKey,
    });
    throw failure;
  } finally {
    watchdog.disarm();
    const durationMs = Math.round(performance.now() - started);
    reportRequest(ctx, status, durationMs);
    ctx.logger.debug(
      {
        page: target.page,
        attempt: target.attempt,
        status,
        durationMs,
        bytes: counted.bytes,
        error:
          failure instanceof NovitaError
            ? failure.code
            : failure === undefined
              ? undefined
              : "consumer",
      },
      "novita list request",
    );
  }
}

/** An error of the items' consumer (the database, say): not a failure of the request. */
class ConsumerFailure extends Error {
  constructor(override readonly cause: unknown) {
    super("the listing's consumer failed");
  }
}

/**
 * Reads a list body piece by piece through the page parser, handing items on as they complete
 * (the body's limits are readBodyChunks'). The watchdog runs only while waiting for the API.
 */
async function readListBody(
  ctx: ListContext,
  response: Response,
  reading: { watchdog: ReadWatchdog; onItems: PageItemsHandler; counted: { bytes: number } },
): Promise<ListPageEnvelope> {
  const parser = new ListPageParser(ctx.redact);
  const decoder = new TextDecoder("utf-8");
  let index = 0;
  const hand = async (items: unknown[]) => {
    if (items.length === 0) return;
    reading.watchdog.disarm();
    try {
      await reading.onItems(items, index);
    } catch (error) {
      throw new ConsumerFailure(error);
    }
    index += items.length;
  };
  await readBodyChunks(
    response,
    ctx.maxResponseBytes,
    (chunk) => hand(parser.write(decoder.decode(chunk, { stream: true }))),
    { watchdog: reading.watchdog, counted: reading.counted },
  );
  await hand(parser.write(decoder.decode()));
  return parser.end();
}

/**
 * Aborts the request when the API keeps us waiting longer than NOVITA_TIMEOUT_MS (or what is left
 * of the listing deadline), for the response or for the next piece of the body. Time spent by the
 * consumer between reads does not count.
 */
class ReadWatchdog {
  readonly #controller = new AbortController();
  readonly #ctx: ListContext;
  #timer: NodeJS.Timeout | undefined;
  limitMs = 0;
  limitedByDeadline = false;

  constructor(ctx: ListContext) {
    this.#ctx = ctx;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  arm(): void {
    clearTimeout(this.#timer);
    const remaining = this.#ctx.deadlineAt - performance.now();
    this.limitedByDeadline = remaining < this.#ctx.timeoutMs;
    this.limitMs = Math.max(1, Math.ceil(Math.min(this.#ctx.timeoutMs, remaining)));
    this.#timer = setTimeout(
      () => this.#controller.abort(new DOMException("timed out", "TimeoutError")),
      this.limitMs,
    );
  }

  disarm(): void {
    clearTimeout(this.#timer);
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
 * Reads a response body whole, within `maxBytes` (error bodies, small downloads): see
 * readBodyChunks for the limits.
 */
export async function readBodyLimited(response: Response, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  const total = await readBodyChunks(response, maxBytes, (chunk) => {
    chunks.push(chunk);
  });
  return Buffer.concat(chunks, total);
}

/**
 * Reads a response body chunk by chunk, awaiting `onChunk` before reading on (back-pressure),
 * while counting bytes, so a runaway response fails with `too_large` instead of exhausting memory
 * (before reading, when Content-Length declares more), and a body that ends short of its declared
 * length fails as a retryable cut-off `bad_response`. Stream errors (socket closed, abort)
 * propagate as thrown; the caller classifies them. A `watchdog` is armed only while waiting for
 * the next chunk. Returns the bytes read.
 */
async function readBodyChunks(
  response: Response,
  maxBytes: number,
  onChunk: (chunk: Uint8Array) => unknown,
  options: { watchdog?: ReadWatchdog; counted?: { bytes: number } } = {},
): Promise<number> {
  const declared = declaredLength(response);
  if (declared !== null && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(`declares ${declared} bytes`, maxBytes);
  }
  const counted = options.counted ?? { bytes: 0 };
  const body = response.body;
  if (body !== null) {
    const reader = body.getReader();
    let finished = false;
    try {
      for (;;) {
        options.watchdog?.arm();
        const { done, value } = await reader.read();
        options.watchdog?.disarm();
        if (done) break;
        counted.bytes += value.byteLength;
        if (counted.bytes > maxBytes) throw tooLarge(`went past ${maxBytes} bytes`, maxBytes);
        await onChunk(value);
      }
      finished = true;
    } finally {
      if (!finished) await reader.cancel().catch(() => undefined);
    }
  }
  if (declared !== null && counted.bytes !== declared) {
    throw new NovitaError(
      "bad_response",
      `Novita response was cut off: got ${counted.bytes} of ${declared} bytes`,
      { retryable: true },
    );
  }
  return counted.bytes;
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
