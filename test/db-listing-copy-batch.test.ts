import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writeAsciiCopyLine } from "../src/db/ascii-copy-line.js";
import { ListingCopyBatch } from "../src/db/listing-copy-batch.js";
import { listingCopyLine } from "../src/db/stage-listing.js";
import type { NovitaFile } from "../src/novita/index.js";

// A batch writes plain-ASCII lines byte by byte and every other line through listingCopyLine:
// either way the bytes must be exactly listingCopyLine's, UTF-8 encoded.

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 10 }),
  fc.constantFrom("", "a\tb", "back\\slash", "new\nline\r", "é", "\u007f", "日本.jsonl"),
);
const whole = fc.oneof(fc.nat(), fc.constantFrom(0, 9, 10, 99, 100, Number.MAX_SAFE_INTEGER));
const seconds = fc.integer({ min: 0, max: 253_402_300_799 });
const file = fc.record({
  id: text,
  object: text,
  filename: text,
  bytes: whole,
  createdAt: seconds.map((s) => new Date(s * 1000)),
  expiresAt: fc.option(seconds.map((s) => new Date(s * 1000))),
  purpose: text,
  totalRequests: fc.option(fc.integer({ min: 0, max: 2_147_483_647 })),
  metadata: fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  extra: fc.constant({}),
  page: fc.integer({ min: 1, max: 10_000 }),
  index: whole,
}) as fc.Arbitrary<NovitaFile>;

describe("a listing COPY batch", () => {
  it("holds exactly listingCopyLine's bytes, whichever way each line was written", () => {
    fc.assert(
      fc.property(fc.array(file, { maxLength: 20 }), fc.nat(), (files, runId) => {
        const batch = new ListingCopyBatch();
        for (const [n, f] of files.entries()) batch.add(runId + 1, n + 1, f);
        const lines = files.map((f, n) => listingCopyLine(runId + 1, n + 1, f));
        expect(batch.text().toString("utf8")).toBe(lines.join(""));
        for (const [n, line] of lines.entries()) expect(batch.line(n)).toBe(line);
      }),
      { numRuns: 500 },
    );
  });

  it("writes a plain file byte by byte and leaves any other to the general way", () => {
    const plain: NovitaFile = {
      id: "file-abc",
      object: "file",
      bytes: 1234,
      filename: "batch input.jsonl",
      createdAt: new Date(1_790_000_000_000),
      expiresAt: null,
      purpose: "batch",
      totalRequests: 7,
      metadata: { total_requests: 7 },
      extra: {},
      page: 1,
      index: 0,
    };
    const buffer = Buffer.alloc(1024);
    const json = JSON.stringify(plain.metadata);
    const end = writeAsciiCopyLine(buffer, 0, 3, 10, plain, json);
    expect(buffer.toString("utf8", 0, end)).toBe(listingCopyLine(3, 10, plain));
    for (const change of [
      { filename: "é.jsonl" },
      { id: "a\\b" },
      { filename: "a\tb" },
      { bytes: 1.5 },
    ]) {
      expect(writeAsciiCopyLine(buffer, 0, 3, 10, { ...plain, ...change }, json)).toBe(-1);
    }
  });
});
