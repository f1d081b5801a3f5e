import { describe, expect, it } from "vitest";
import { fileLimits } from "../src/novita/file-limits.js";
import { parseFileItem } from "../src/novita/file-schema.js";
import { validItemFields } from "./helpers/unstorable-items.js";

const item = { ...validItemFields, id: "file-1", metadata: { total_requests: 3 } };
const at = { page: 2, index: 5 };

/** Metadata nested `depth` objects deep (the metadata object itself is level 1). */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < depth; level += 1) value = { a: value };
  return value;
}

function problemOf(raw: unknown): { problem: string; id: string | null } {
  const parsed = parseFileItem(raw, at);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(raw).slice(0, 80)} to be invalid`);
  return parsed;
}

describe("file items PostgreSQL could not store exactly are invalid, with the reason", () => {
  it.each([
    ["id", { ...item, id: "file\u0000x" }, /^id: contains U\+0000 at position 4/],
    ["object", { ...item, object: "fi\u0000le" }, /^object: contains U\+0000/],
    ["filename", { ...item, filename: "a\u0000.jsonl" }, /^filename: contains U\+0000/],
    ["purpose", { ...item, purpose: "batch\u0000" }, /^purpose: contains U\+0000/],
    [
      "filename",
      { ...item, filename: "x\ud800y" },
      /^filename: contains a lone surrogate \(U\+D800\) at position 1/,
    ],
    ["id", { ...item, id: "\udc00file" }, /^id: contains a lone surrogate \(U\+DC00\)/],
    [
      "a metadata value",
      { ...item, metadata: { note: "a\u0000" } },
      /^metadata\.note: contains U\+0000/,
    ],
    [
      "a deep metadata value",
      { ...item, metadata: { a: [1, { b: "x\ud800y" }] } },
      /^metadata\.a\[1\]\.b: contains a lone surrogate/,
    ],
    [
      "a metadata key",
      { ...item, metadata: { a: { "k\u0000": 1 } } },
      /^metadata\.a\["k\\u0000"\]: key contains U\+0000/,
    ],
    [
      "a metadata key",
      { ...item, metadata: { "\udfff": 1 } },
      /^metadata\["\\udfff"\]: key contains a lone surrogate/,
    ],
    [
      "a metadata integer",
      { ...item, metadata: { n: 2 ** 60 } },
      /^metadata\.n: the integer 1152921504606847000 is beyond ±2\^53/,
    ],
    [
      "total_requests",
      { ...item, metadata: { total_requests: 2 ** 31 } },
      /^metadata\.total_requests: /,
    ],
  ])("rejects %s PostgreSQL cannot hold", (_what, raw, reason) => {
    expect(problemOf(raw).problem).toMatch(reason);
  });

  it("names every field that cannot be stored, not only the first", () => {
    const { problem } = problemOf({ ...item, filename: "\u0000", purpose: "\ud800" });
    expect(problem).toMatch(/^filename: .*; purpose: /);
  });

  it("rejects metadata nested deeper than the limit, and accepts it at the limit", () => {
    expect(parseFileItem({ ...item, metadata: nested(fileLimits.metadataDepth) }, at).ok).toBe(
      true,
    );
    expect(problemOf({ ...item, metadata: nested(fileLimits.metadataDepth + 1) }).problem).toMatch(
      /^metadata(\.a)+: nested deeper than 32 levels/,
    );
    expect(problemOf({ ...item, metadata: nested(5_000) }).problem).toContain("nested deeper");
  });

  it("rejects metadata larger than the limit as JSON, and accepts it at the limit", () => {
    const fill = (bytes: number) => ({ note: "a".repeat(bytes - '{"note":""}'.length) });
    expect(parseFileItem({ ...item, metadata: fill(fileLimits.metadataBytes) }, at).ok).toBe(true);
    expect(problemOf({ ...item, metadata: fill(fileLimits.metadataBytes + 1) }).problem).toBe(
      `metadata: is ${fileLimits.metadataBytes + 1} bytes as JSON, over the limit of ${fileLimits.metadataBytes}`,
    );
  });

  it.each([
    ["id", fileLimits.idBytes],
    ["object", fileLimits.objectBytes],
    ["filename", fileLimits.filenameBytes],
    ["purpose", fileLimits.purposeBytes],
  ] as const)("limits %s to its documented number of UTF-8 bytes", (field, limit) => {
    expect(parseFileItem({ ...item, [field]: "a".repeat(limit) }, at).ok).toBe(true);
    // Two-byte characters: the limit is in bytes, not characters.
    expect(problemOf({ ...item, [field]: "é".repeat(limit / 2 + 1) }).problem).toBe(
      `${field}: is ${limit + 2} bytes (UTF-8), over the limit of ${limit}`,
    );
  });

  it("keeps an id that cannot be stored out of the seen ids; a readable one counts as seen", () => {
    expect(problemOf({ ...item, id: "f\u0000" }).id).toBeNull();
    expect(problemOf({ ...item, id: "a".repeat(fileLimits.idBytes + 1) }).id).toBeNull();
    expect(problemOf({ ...item, filename: "\u0000" }).id).toBe("file-1");
  });

  it("accepts what PostgreSQL stores exactly: astral characters, escapes, a __proto__ key, fractions", () => {
    const metadata = JSON.parse(
      '{"__proto__": {"x": 1}, "emoji": "😀\\t\\\\", "tiny": 1.5e-300, "frac": 0.1, "neg": -9007199254740991}',
    );
    const parsed = parseFileItem({ ...item, filename: "😀 résumé\t.jsonl", metadata }, at);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(JSON.stringify(parsed.file.metadata)).toBe(JSON.stringify(metadata));
    expect(Object.keys(parsed.file.metadata)).toContain("__proto__");
    expect(parsed.file).toMatchObject({ filename: "😀 résumé\t.jsonl", page: 2, index: 5 });
  });
});
