import fc from "fast-check";

// Arbitraries for the hostile-items property test: file items whose fields are valid or any JSON
// value, with strings over all of Unicode plus what JSON.parse can produce and PostgreSQL cannot
// store (U+0000, lone surrogates), very long strings, deep nesting and numbers beyond 2^53.

/** One UTF-16 unit or code point: any code point, sometimes U+0000 or half a surrogate pair. */
const hostileUnit = fc.oneof(
  { weight: 12, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constant("\u0000") },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  },
);

const printable = fc.integer({ min: 33, max: 126 }).map((c) => String.fromCharCode(c));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: hostileUnit, maxLength: 24 }) },
  // Very long but repetitive: PostgreSQL compresses it.
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.string({ unit: hostileUnit, minLength: 1, maxLength: 6 }),
        fc.integer({ min: 400, max: 6_000 }),
      )
      .map(([text, times]) => text.repeat(times)),
  },
  // Long and random: no btree index can hold it once past ~2,600 bytes.
  { weight: 1, arbitrary: fc.string({ unit: printable, minLength: 2_500, maxLength: 3_200 }) },
);

/** Nested arrays and objects `depth` levels deep (up to 1,000: what JSON.stringify can serve). */
const deepValue = fc
  .tuple(fc.integer({ min: 20, max: 1_000 }), fc.boolean())
  .map(([depth, arrays]) => {
    let value: unknown = "bottom";
    for (let level = 0; level < depth; level += 1) value = arrays ? [value] : { d: value };
    return value;
  });

/** Integers JSON.parse cannot read exactly (and, past 2^63, no bigint column could hold). */
const bigNumber = fc.oneof(
  fc.constantFrom(2 ** 53, -(2 ** 60), 1e300),
  fc.double({ min: 2 ** 53, max: 2 ** 70, noNaN: true }).map(Math.floor),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: hostileUnit }) },
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: bigNumber },
  { weight: 1, arbitrary: deepValue },
);

/** A field's value: mostly valid (so that items get past the shape checks), else anything. */
function field<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 10, arbitrary: valid }, { weight: 1, arbitrary: hostileValue });
}

/** A text field: valid, any string (often one PostgreSQL cannot store), or anything. */
function textField(valid: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 3, arbitrary: hostileString },
    { weight: 1, arbitrary: hostileValue },
  );
}

const metadataOf = (key: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>) =>
  fc.dictionary(key, value, { maxKeys: 4 });

/**
 * An item of the `data` array. Object items have every documented field, each valid or hostile;
 * a string id is made unique by the caller. Now and then the whole item is any JSON value.
 */
export const hostileItem: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      id: textField(fc.string({ unit: "binary", maxLength: 12 })),
      object: textField(fc.constant("file")),
      bytes: field(fc.nat()),
      filename: textField(fc.string({ unit: "binary", maxLength: 24 })),
      created_at: field(fc.integer({ min: 0, max: 2_000_000_000 })),
      expires_at: field(fc.option(fc.integer({ min: 0, max: 2_000_000_000 }))),
      purpose: textField(fc.constantFrom("batch", "batch_output", "fine-tune")),
      metadata: fc.oneof(
        {
          weight: 4,
          arbitrary: metadataOf(
            fc.string({ unit: "binary", maxLength: 8 }),
            fc.jsonValue({ maxDepth: 2, stringUnit: "binary" }),
          ),
        },
        { weight: 3, arbitrary: metadataOf(hostileString, hostileValue) },
        { weight: 1, arbitrary: hostileValue },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2, stringUnit: hostileUnit }) },
);

/** Gives each object item with a string id a unique one: `<prefix><index>-<id as generated>`. */
export function withUniqueIds(items: readonly unknown[], prefix: string): unknown[] {
  return items.map((item, index) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return item;
    const id = (item as { id?: unknown }).id;
    return typeof id === "string" ? { ...item, id: `${prefix}${index}-${id}` } : item;
  });
}

/** JSON with object keys sorted at every depth: equal for equal values whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === "object" && inner !== null && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
