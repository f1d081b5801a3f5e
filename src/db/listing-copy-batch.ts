import type { NovitaFile } from "../novita/index.js";
import { maxAsciiLineBytes, writeAsciiCopyLine } from "./ascii-copy-line.js";
import { listingCopyLine } from "./stage-listing.js";

/** A batch is shipped once it holds this many files... */
export const batchRows = 5_000;
/** ...or this many bytes of COPY text, whichever comes first. */
const batchBytes = 4 * 1024 * 1024;

/**
 * Files as COPY text for sync_listing, written into a Buffer as they arrive (outside the
 * JavaScript heap, and reused batch after batch), with where each line ends: so a streamed
 * listing leaves no string behind to be promoted and collected later, and a COPY the database
 * refuses can still be retried line by line.
 */
export class ListingCopyBatch {
  #buffer = Buffer.allocUnsafe(batchBytes);
  #ends = new Int32Array(batchRows);
  #rows = 0;
  #bytes = 0;

  /** Appends one file's line (see listingCopyLine), written byte by byte when it is plain ASCII. */
  add(runId: number, position: number, file: NovitaFile): void {
    if (this.#rows === this.#ends.length) this.#growRows();
    const metadataJson = JSON.stringify(file.metadata);
    const room = maxAsciiLineBytes(file, metadataJson);
    if (this.#bytes + room > this.#buffer.length) this.#growBytes(room);
    let end = writeAsciiCopyLine(this.#buffer, this.#bytes, runId, position, file, metadataJson);
    if (end < 0) {
      const line = listingCopyLine(runId, position, file);
      // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
      if (this.#bytes + line.length * 3 > this.#buffer.length) this.#growBytes(line.length * 3);
      end = this.#bytes + this.#buffer.write(line, this.#bytes);
    }
    this.#bytes = end;
    this.#ends[this.#rows] = end;
    this.#rows += 1;
  }

  get rows(): number {
    return this.#rows;
  }

  /** Whether the batch should be shipped. */
  get full(): boolean {
    return this.#rows >= batchRows || this.#bytes >= batchBytes;
  }

  /** The COPY text of lines [start, end). */
  text(start = 0, end = this.#rows): Buffer {
    return this.#buffer.subarray(this.#startOf(start), this.#startOf(end));
  }

  /** Line `index`, as text. */
  line(index: number): string {
    return this.#buffer.toString("utf8", this.#startOf(index), this.#startOf(index + 1));
  }

  /** Empties the batch for reuse (its memory stays). */
  clear(): void {
    this.#rows = 0;
    this.#bytes = 0;
  }

  #startOf(index: number): number {
    return index === 0 ? 0 : this.#ends[index - 1]!;
  }

  #growBytes(needed: number): void {
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#bytes + needed));
    this.#buffer.copy(grown, 0, 0, this.#bytes);
    this.#buffer = grown;
  }

  #growRows(): void {
    const grown = new Int32Array(this.#ends.length * 2);
    grown.set(this.#ends);
    this.#ends = grown;
  }
}
