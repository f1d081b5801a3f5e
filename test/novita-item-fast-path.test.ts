import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFileItem, parseFileItemWithSchema } from "../src/novita/file-schema.js";

// parseFileItem reads plainly well-formed items directly and sends the rest through the zod
// schema: whatever the item, both must say the same.

const at = { page: 2, index: 7 };
const wholeOrNot = fc.oneof(
  fc.integer({ min: -5, max: 2_147_483_650 }),
  fc.constantFrom(
    0,
    1.5,
    -0,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    253_402_300_799,
    253_402_300_800,
  ),
  fc.double(),
  fc.string(),
  fc.constantFrom(null, undefined, true, [], {}),
);
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("", "a\u0000b", "\ud800"),
  wholeOrNot,
);
const metadata = fc.oneof(
  fc.constantFrom(null, undefined, [], "x", 3),
  fc.record(
    { total_requests: wholeOrNot, other: fc.jsonValue({ maxDepth: 2 }) },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.constantFrom("__proto__", "k", "total_requests"), fc.jsonValue({ maxDepth: 2 })),
);
const item = fc.record(
  {
    id: text,
    object: text,
    bytes: wholeOrNot,
    filename: text,
    created_at: wholeOrNot,
    expires_at: wholeOrNot,
    purpose: text,
    metadata,
    status: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);
const documented = fc.record({
  id: fc.string({ minLength: 1, maxLength: 30 }),
  object: fc.constant("file"),
  bytes: fc.nat(),
  filename: fc.string({ maxLength: 30 }),
  created_at: fc.integer({ min: 0, max: 253_402_300_799 }),
  expires_at: fc.option(fc.integer({ min: 0, max: 253_402_300_799 }), { nil: undefined }),
  purpose: fc.constantFrom("batch", "batch_output"),
  metadata: fc.record({ total_requests: fc.option(fc.nat(), { nil: undefined }) }),
});

describe("reading a file item directly", () => {
  it("agrees with the schema on any item, well-formed or not", () => {
    fc.assert(
      fc.property(fc.oneof(item, documented, fc.jsonValue()), (raw) => {
        // Through JSON, as items arrive (undefined fields vanish, -0 becomes 0).
        const sent = raw === undefined ? raw : JSON.parse(JSON.stringify(raw) ?? "null");
        expect(parseFileItem(sent, at)).toStrictEqual(parseFileItemWithSchema(sent, at));
      }),
      { numRuns: 3_000 },
    );
  });

  it("agrees on an own __proto__ key at the top and in metadata", () => {
    const sent = JSON.parse(
      '{"id":"f","bytes":1,"filename":"a","created_at":1,"purpose":"batch","__proto__":{"x":1},"metadata":{"__proto__":2}}',
    );
    const read = parseFileItem(sent, at);
    expect(read).toStrictEqual(parseFileItemWithSchema(sent, at));
    expect(read.ok && Object.keys(read.file.metadata)).toEqual(["__proto__"]);
  });
});
