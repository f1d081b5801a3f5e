import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { ArchiveError } from "./archive-error.js";

/**
 * Passes content through while counting and hashing it, and fails as soon as it is longer than
 * the listed `bytes`, or at the end when it is shorter: a store that pipes through it never
 * completes a write whose content does not match the listing.
 */
export class ContentCheck extends Transform {
  readonly #hash = createHash("sha256");
  readonly #expected: number;
  #size = 0;
  #sha256: string | null = null;

  constructor(expectedBytes: number) {
    super();
    this.#expected = expectedBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#size += chunk.byteLength;
    if (this.#size > this.#expected) {
      done(
        new ArchiveError(
          "long_content",
          `content is longer than the listed ${this.#expected} bytes (got at least ${this.#size}); not archived`,
        ),
      );
      return;
    }
    this.#hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.#size < this.#expected) {
      done(
        new ArchiveError(
          "short_content",
          `content ended after ${this.#size} of the listed ${this.#expected} bytes; not archived`,
        ),
      );
      return;
    }
    this.#sha256 = this.#hash.digest("hex");
    done();
  }

  /** Size and sha256 of the verified content; only after the stream finished. */
  result(): { size: number; sha256: string } {
    if (this.#sha256 === null) throw new Error("ContentCheck.result() before the content ended");
    return { size: this.#size, sha256: this.#sha256 };
  }
}
