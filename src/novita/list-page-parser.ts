import { none } from "stream-chain/defs.js";
import Assembler from "stream-json/core/assembler.js";
import { jsonParser } from "stream-json/core/parser.js";
import { DataItemsSplitter, SplitError } from "./data-items-splitter.js";
import { NovitaError } from "./novita-error.js";
import { errorForBodyCode, isSuccessCode } from "./response-code.js";

/** What a list page says besides its items, known once the whole body has been read. */
export interface ListPageEnvelope {
  /** OpenAI-style pagination: true when another page follows. */
  hasMore: boolean;
  /** Cursor for the next page (`?after=`), when the API gave one. */
  lastId: string | null;
  /** Items in the page's `data` array. */
  items: number;
  /** The last item's id when it was a string: the cursor when the API gave no last_id. */
  lastItemId: string | null;
}

type Token = { name: string; value?: unknown };

/** Top-level fields read from the envelope; any other field is skipped without being built. */
const envelopeFields = new Set(["code", "message", "error", "has_more", "last_id"]);

/** How much of the body's start is kept to quote in an error. */
const quotedStartChars = 2000;

/**
 * Parses a list response body as it arrives, so a page of any size is never held whole: `write`
 * returns the `data` items completed by each piece of text, `end` checks the envelope. The items'
 * text is cut out of the stream (DataItemsSplitter) and parsed a piece's worth at a time by
 * JSON.parse; the envelope around them goes through stream-json's streaming tokenizer, its fields
 * built by stream-json's Assembler. (stream-json building the items too took 3.1-4.1 s for a
 * million of them, this 2.2-2.3 s: see docs/architecture.md.) The rules are those of a whole body: anything that is
 * not an object with a `data` array fails (an unreadable answer must never look like an account
 * with zero files); a body that is not JSON or stops early is a retryable `bad_response`; an
 * error `code` is an error wherever it sits, also after `data`.
 */
export class ListPageParser {
  /** Text in, tokens out; `none` flushes (stream-json's pure tokenizer, no Node stream). */
  readonly #tokenize = jsonParser({ packValues: true, streamValues: false }) as (
    input: string | typeof none,
  ) => unknown;
  readonly #redact: (text: string) => string;
  /** Containers open around the current token: the envelope is depth 1, `data` depth 2. */
  #depth = 0;
  #rootIsObject = false;
  #rootClosed = false;
  #key: string | null = null;
  /** Builds envelope fields (one Assembler: a finished one starts the next value afresh). */
  readonly #valueAssembler = new Assembler();
  /** #valueAssembler while it builds an envelope field, else null. */
  #assembler: Assembler | null = null;
  #assembling: "field" | "skip" | null = null;
  #assemblingDepth = 0;
  #dataSeen = false;
  #items = 0;
  #lastItem: unknown;
  readonly #envelope = new Map<string, unknown>();
  #start = "";
  readonly #splitter = new DataItemsSplitter({
    envelope: (text) => this.#consume(this.#run(text)),
    items: (text, count) => this.#addItems(text, count),
  });
  /** The items completed by the piece being written. */
  #pieceItems: unknown[] = [];

  constructor(redact: (text: string) => string) {
    this.#redact = redact;
  }

  /** Feeds the next piece of the body; returns the items it completed, in order. */
  write(text: string): unknown[] {
    if (this.#start.length < quotedStartChars) this.#start += text.slice(0, quotedStartChars);
    this.#pieceItems = [];
    try {
      this.#splitter.write(text);
    } catch (error) {
      throw error instanceof SplitError ? notJson(this.#start, this.#redact) : error;
    }
    return this.#pieceItems;
  }

  /** The body has ended: its envelope, or the NovitaError that makes the page unusable. */
  end(): ListPageEnvelope {
    const cutOff = badResponse(
      `a body that stops before its end (${this.#items} items read); it was cut off`,
    );
    let tokens: Token[];
    try {
      tokens = this.#run(none);
    } catch (error) {
      throw this.#rootIsObject ? cutOff : error;
    }
    this.#consume(tokens);
    if (!this.#rootClosed) throw this.#rootIsObject ? cutOff : notJson(this.#start, this.#redact);
    const code = this.#envelope.get("code");
    if (!isSuccessCode(code)) {
      const message = this.#envelope.get("message") ?? this.#envelope.get("error");
      throw errorForBodyCode(code, describeMessage(message, this.#redact), this.#redact);
    }
    if (!this.#dataSeen) {
      throw badResponse("an envelope without a data array; refusing to read it as an empty list");
    }
    const hasMore = this.#envelope.get("has_more");
    if (hasMore !== undefined && hasMore !== null && typeof hasMore !== "boolean") {
      throw badResponse("has_more that is not true or false");
    }
    const lastId = this.#envelope.get("last_id");
    if (lastId !== undefined && lastId !== null && typeof lastId !== "string") {
      throw badResponse("last_id that is not a string");
    }
    const lastItemId = (this.#lastItem as { id?: unknown } | null | undefined)?.id;
    return {
      hasMore: hasMore === true,
      lastId: (lastId as string | null) || null,
      items: this.#items,
      lastItemId: typeof lastItemId === "string" ? lastItemId : null,
    };
  }

  #run(input: string | typeof none): Token[] {
    try {
      const out = this.#tokenize(input);
      if (out === none) return [];
      return (out as { values: Token[] }).values ?? [out as Token];
    } catch {
      throw notJson(this.#start, this.#redact);
    }
  }

  /** The items' JSON text from the splitter, parsed. */
  #addItems(text: string, count: number): void {
    let items: unknown[];
    try {
      items = JSON.parse(`[${text}]`) as unknown[];
    } catch {
      throw notJson(this.#start, this.#redact);
    }
    if (items.length !== count) throw notJson(this.#start, this.#redact);
    if (this.#pieceItems.length === 0) this.#pieceItems = items;
    else for (const item of items) this.#pieceItems.push(item);
    this.#items += count;
    this.#lastItem = items[count - 1];
  }

  #consume(tokens: Token[]): void {
    for (const token of tokens) {
      if (this.#assembling !== null) {
        this.#assemble(token);
        continue;
      }
      if (this.#rootClosed) throw notJson(this.#start, this.#redact);
      switch (token.name) {
        case "startObject":
        case "startArray":
          this.#open(token);
          break;
        case "endObject":
        case "endArray":
          this.#close();
          break;
        case "keyValue":
          this.#key = token.value as string;
          break;
        case "stringValue":
        case "numberValue":
        case "nullValue":
        case "trueValue":
        case "falseValue":
          this.#value(token);
          break;
      }
    }
  }

  /** A container opens: the envelope, `data` (its items are the splitter's) or a field's value. */
  #open(token: Token): void {
    if (this.#depth === 0) {
      if (token.name !== "startObject") throw notAnObject(this.#start, this.#redact);
      this.#rootIsObject = true;
      this.#depth = 1;
      return;
    }
    if (this.#depth === 1 && this.#key === "data" && token.name === "startArray") {
      if (this.#dataSeen) throw badResponse("an envelope with two data arrays");
      this.#dataSeen = true;
      this.#depth = 2;
      return;
    }
    this.#startAssembling(envelopeFields.has(this.#key ?? "") ? "field" : "skip", token);
  }

  #close(): void {
    this.#depth -= 1;
    if (this.#depth === 0) this.#rootClosed = true;
  }

  /** A scalar: an envelope field, or a root that is no object. */
  #value(token: Token): void {
    if (this.#depth === 0) throw notAnObject(this.#start, this.#redact);
    const value = scalar(token);
    if (this.#depth === 1) {
      if (this.#key === "data") {
        throw badResponse("an envelope without a data array; refusing to read it as an empty list");
      }
      if (envelopeFields.has(this.#key ?? "")) this.#envelope.set(this.#key!, value);
    }
  }

  #startAssembling(kind: "field" | "skip", token: Token): void {
    if (this.#depth === 1 && this.#key === "data") {
      throw badResponse("an envelope without a data array; refusing to read it as an empty list");
    }
    this.#assembling = kind;
    this.#assemblingDepth = 0;
    if (kind !== "skip") this.#assembler = this.#valueAssembler;
    this.#assemble(token);
  }

  /** Builds the value being assembled; when its last container closes, keeps it. */
  #assemble(token: Token): void {
    const name = token.name;
    if (name === "startObject" || name === "startArray") this.#assemblingDepth += 1;
    else if (name === "endObject" || name === "endArray") this.#assemblingDepth -= 1;
    const assembler = this.#assembler;
    if (assembler !== null) assembler.consume(token as Parameters<Assembler["consume"]>[0]);
    if (this.#assemblingDepth > 0) return;
    if (this.#assembling === "field") {
      this.#envelope.set(this.#key!, assembler!.current);
    }
    this.#assembling = null;
    this.#assembler = null;
  }
}

function scalar(token: Token): unknown {
  switch (token.name) {
    case "numberValue":
      return Number.parseFloat(token.value as string);
    case "nullValue":
      return null;
    case "trueValue":
      return true;
    case "falseValue":
      return false;
    default:
      return token.value;
  }
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

function notJson(start: string, redact: (text: string) => string): NovitaError {
  return badResponse(`a body that is not JSON (starts with ${quoteStart(start, redact)})`);
}

function notAnObject(start: string, redact: (text: string) => string): NovitaError {
  return badResponse(`JSON that is not an object (starts with ${quoteStart(start, redact)})`);
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
