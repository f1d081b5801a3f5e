import { NovitaError } from "./novita-error.js";
import { errorForBodyCode, isSuccessCode } from "./response-code.js";

/** One page of the file list, before the items are validated. */
export interface ListPage {
  items: unknown[];
  /** OpenAI-style pagination: true when another page follows. */
  hasMore: boolean;
  /** Cursor for the next page (`?after=`), when the API gave one. */
  lastId: string | null;
}

/**
 * Parses a list response body. Anything that is not an envelope with a `data` array fails: an
 * unreadable answer must never look like an account with zero files. Bodies that are not JSON
 * (cut off, HTML error pages) are retryable; an error `code` inside the body is an error too.
 */
export function parseListPage(text: string, redact: (text: string) => string): ListPage {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badResponse(`a body that is not JSON (starts with ${quoteStart(text, redact)})`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badResponse(`JSON that is not an object (starts with ${quoteStart(text, redact)})`);
  }
  const envelope = body as Record<string, unknown>;
  if (!isSuccessCode(envelope.code)) {
    throw errorForBodyCode(envelope.code, describeMessage(envelope.message, redact), redact);
  }
  if (!Array.isArray(envelope.data)) {
    throw badResponse("an envelope without a data array; refusing to read it as an empty list");
  }
  const hasMore = envelope.has_more;
  if (hasMore !== undefined && hasMore !== null && typeof hasMore !== "boolean") {
    throw badResponse("has_more that is not true or false");
  }
  const lastId = envelope.last_id;
  if (lastId !== undefined && lastId !== null && typeof lastId !== "string") {
    throw badResponse("last_id that is not a string");
  }
  return { items: envelope.data, hasMore: hasMore === true, lastId: lastId || null };
}

/** The server's `message` (or OpenAI-style `error.message`), short and without secrets. */
export function describeMessage(message: unknown, redact: (text: string) => string): string {
  const text =
    typeof message === "string"
      ? message
      : typeof message === "object" && message !== null && "message" in message
        ? String((message as { message: unknown }).message)
        : "";
  return shorten(redact(text).slice(0, 2000).replace(/\s+/g, " ").trim(), 200);
}

function quoteStart(text: string, redact: (text: string) => string): string {
  return JSON.stringify(shorten(redact(text).slice(0, 2000).replace(/\s+/g, " ").trim(), 80));
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function badResponse(what: string): NovitaError {
  return new NovitaError("bad_response", `Novita API sent ${what}`, { retryable: true });
}
