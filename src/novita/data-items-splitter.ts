/** What the splitter hands on, in body order. */
export interface SplitBody {
  /** Text of the envelope: the whole body except the items of its first top-level `data` array. */
  envelope(text: string): void;
  /** Complete items of that array as their JSON text, comma-separated (`count` of them). */
  items(text: string, count: number): void;
}

/** The body is not JSON where the splitter looked (the caller names it). */
export class SplitError extends Error {}

const quote = 0x22;
const backslash = 0x5c;
const comma = 0x2c;
const colon = 0x3a;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;

/** Keys longer than this are never "data" (even spelled with escapes), so are not kept. */
const maxKeyChars = 64;

/**
 * Splits a list body, as its text arrives, into the envelope and the JSON text of the items of
 * its `data` array. Only strings, brackets, commas and the envelope's keys are looked at: the
 * items' text is handed on in batches (each piece's complete items, for JSON.parse) and the
 * envelope (`{"code":..,"data":[` then `],...}`, the items left out) for a streaming parser to
 * check. Anything the splitter does not understand stays in the envelope, where that parser
 * refuses it; an empty item (`[1,,2]`, `[1,]`) is refused here.
 */
export class DataItemsSplitter {
  readonly #out: SplitBody;
  #inItems = false;
  #dataSplit = false;
  // The envelope, read a character at a time (it is small).
  #depth = 0;
  #inString = false;
  #escaped = false;
  #string = "";
  #lastString: string | null = null;
  #key: string | null = null;
  // The items: the text from the start of the first incomplete item, and where to read on.
  #pending = "";
  #resumeAt = 0;
  #itemDepth = 0;
  #inItemString = false;
  /** Something other than whitespace since the last comma (an item is there). */
  #sawValue = false;
  #itemsSoFar = 0;

  constructor(out: SplitBody) {
    this.#out = out;
  }

  write(text: string): void {
    let rest = text;
    while (rest.length > 0) {
      rest = this.#inItems ? this.#readItems(rest) : this.#readEnvelope(rest);
    }
  }

  /** Reads envelope text until the first `data` array opens; returns what follows it. */
  #readEnvelope(text: string): string {
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === backslash) this.#escaped = true;
        else if (c === quote) {
          this.#inString = false;
          if (this.#depth === 1 && this.#string.length <= maxKeyChars)
            this.#lastString = this.#string;
          continue;
        }
        if (this.#depth === 1 && this.#string.length <= maxKeyChars) this.#string += text[i];
        continue;
      }
      switch (c) {
        case quote:
          this.#inString = true;
          this.#string = "";
          this.#lastString = null;
          break;
        case colon:
          if (this.#depth === 1) this.#key = decodeKey(this.#lastString);
          break;
        case comma:
          if (this.#depth === 1) this.#key = null;
          break;
        case openBracket:
          if (this.#depth === 1 && this.#key === "data" && !this.#dataSplit) {
            this.#dataSplit = true;
            this.#inItems = true;
            this.#out.envelope(text.slice(0, i + 1));
            return text.slice(i + 1);
          }
          this.#key = null;
          this.#depth += 1;
          break;
        case openBrace:
          this.#key = null;
          this.#depth += 1;
          break;
        case closeBrace:
        case closeBracket:
          this.#depth -= 1;
          break;
      }
    }
    this.#out.envelope(text);
    return "";
  }

  /**
   * Reads items: hands on the complete ones, keeps the incomplete one for the next piece;
   * returns the text after the array's end (the envelope again).
   */
  #readItems(text: string): string {
    const body = this.#pending === "" ? text : this.#pending + text;
    let i = this.#resumeAt;
    let batchEnd = -1;
    let count = 0;
    let depth = this.#itemDepth;
    let sawValue = this.#sawValue;
    let inString = this.#inItemString;
    const length = body.length;
    while (i < length) {
      if (inString) {
        const end = closingQuote(body, i);
        if (end < 0) {
          i = length;
          break;
        }
        inString = false;
        i = end + 1;
        continue;
      }
      const c = body.charCodeAt(i);
      if (c === quote) {
        inString = true;
        sawValue = true;
      } else if (c === openBrace || c === openBracket) {
        depth += 1;
        sawValue = true;
      } else if (c === closeBrace || (c === closeBracket && depth > 0)) {
        depth -= 1;
        sawValue = true;
        if (depth < 0) throw new SplitError("a closing brace between items");
      } else if (depth === 0 && (c === comma || c === closeBracket)) {
        if (sawValue) count += 1;
        else if (c === comma || this.#itemsSoFar + count > 0) throw new SplitError("an empty item");
        sawValue = false;
        batchEnd = i;
        if (c === closeBracket) {
          this.#handOn(body, batchEnd, count);
          this.#inItems = false;
          this.#pending = "";
          this.#resumeAt = 0;
          this.#itemDepth = 0;
          this.#inItemString = false;
          this.#sawValue = false;
          this.#out.envelope("]");
          return body.slice(i + 1);
        }
      } else if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        sawValue = true;
      }
      i += 1;
    }
    this.#handOn(body, batchEnd, count);
    this.#pending = batchEnd < 0 ? body : body.slice(batchEnd + 1);
    this.#resumeAt = batchEnd < 0 ? i : i - batchEnd - 1;
    this.#itemDepth = depth;
    this.#inItemString = inString;
    this.#sawValue = sawValue;
    return "";
  }

  #handOn(body: string, end: number, count: number): void {
    if (count === 0) return;
    this.#itemsSoFar += count;
    this.#out.items(body.slice(0, end), count);
  }
}

/** Index of the quote that closes the string read from `from` on, or -1 if it is not there yet. */
function closingQuote(text: string, from: number): number {
  let at = text.indexOf('"', from);
  while (at >= 0) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === backslash) backslashes += 1;
    if (backslashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return -1;
}

/** An envelope key as JSON means it (escapes decoded), or null if it is not one. */
function decodeKey(raw: string | null): string | null {
  if (raw === null || !raw.includes("\\")) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return null;
  }
}
