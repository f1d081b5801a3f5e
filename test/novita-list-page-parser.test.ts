import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ListPageParser } from "../src/novita/list-page-parser.js";
import { NovitaError } from "../src/novita/novita-error.js";

const redact = (text: string) => text;

/** Parses `body` fed in pieces cut at `cuts` (character offsets): the items and the envelope. */
function parseInPieces(body: string, cuts: readonly number[] = []) {
  const parser = new ListPageParser(redact);
  const items: unknown[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    items.push(...parser.write(body.slice(from, cut)));
    from = Math.max(from, cut);
  }
  items.push(...parser.write(body.slice(from)));
  return { items, envelope: parser.end() };
}

function failureOf(body: string, cuts: readonly number[] = []): NovitaError {
  try {
    parseInPieces(body, cuts);
  } catch (error) {
    if (error instanceof NovitaError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(body)} to fail`);
}

describe("streaming list page parser", () => {
  it("never turns an unreadable body into an empty list", () => {
    for (const body of ["", "null", "[]", "{}", '{"data":null}', '{"data":{}}', "<html>", '"x"']) {
      expect(failureOf(body).message).toMatch(/^Novita API sent/);
    }
  });

  it("reads pagination fields and the last item's id", () => {
    const { envelope } = parseInPieces(
      '{"data":[{"id":"f1"},{"id":"f2"}],"has_more":true,"last_id":"f9"}',
    );
    expect(envelope).toEqual({ hasMore: true, lastId: "f9", items: 2, lastItemId: "f2" });
  });

  it("builds the same items as JSON.parse, wherever the body is cut into pieces", () => {
    const envelope = fc.record(
      {
        code: fc.constantFrom("200", 200, 0, "success", null),
        message: fc.string(),
        data: fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 20 }),
        has_more: fc.boolean(),
        other: fc.jsonValue({ maxDepth: 3 }),
      },
      { requiredKeys: ["data"] },
    );
    fc.assert(
      fc.property(envelope, fc.array(fc.nat(), { maxLength: 12 }), (value, offsets) => {
        const body = JSON.stringify(value);
        const cuts = offsets.map((offset) => offset % (body.length + 1));
        const { items, envelope: parsed } = parseInPieces(body, cuts);
        expect(items).toStrictEqual(JSON.parse(body).data);
        expect(parsed.items).toBe(value.data.length);
        expect(parsed.hasMore).toBe(value.has_more === true);
      }),
      { numRuns: 300 },
    );
  });

  it("finds the data array wherever the envelope puts it, whatever surrounds it", () => {
    // Keys in any order, fields that hold their own "data" keys and arrays, text that looks like
    // structure inside strings: only the envelope's own data array holds the items.
    const field = fc.tuple(
      fc.constantFrom("message", "other", "meta", "note"),
      fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.record({ data: fc.jsonValue({ maxDepth: 2 }) }),
        fc.constantFrom('"data":[1,2]', "],[{", '\\"', "data"),
      ),
    );
    const item = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ id: fc.string(), note: fc.constantFrom('"],"', "\\", '\\"', "{[", ",,") }),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(field, { selector: ([key]) => key, maxLength: 4 }),
        fc.array(item, { maxLength: 15 }),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 12 }),
        (fields, data, at, offsets) => {
          const entries = fields.map(
            ([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`,
          );
          entries.splice(at % (entries.length + 1), 0, `"data":${JSON.stringify(data)}`);
          const body = `{${entries.join(",")}}`;
          const cuts = offsets.map((offset) => offset % (body.length + 1));
          const { items, envelope } = parseInPieces(body, cuts);
          expect(items).toStrictEqual(JSON.parse(body).data);
          expect(envelope.items).toBe(data.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reads a data key spelled with escapes, and only the envelope's own", () => {
    expect(parseInPieces('{"d\\u0061ta":[{"id":"a"}]}', [3, 9]).items).toEqual([{ id: "a" }]);
    const nested = '{"meta":{"data":[1]},"list":[{"data":[2]}],"data":[3,"data"]}';
    expect(parseInPieces(nested, [12, 30]).items).toEqual([3, "data"]);
    expect(failureOf('{"data":{"x":[1]}}').message).toContain("without a data array");
  });

  it("refuses empty items and stray brackets in the data array, wherever the body is cut", () => {
    for (const data of ["[1,,2]", "[1,]", "[,1]", "[,]", "[1 2]", "[}]", "[{]", "[1]]"]) {
      const body = `{"data":${data}}`;
      for (let cut = 0; cut <= body.length; cut += 1) {
        expect(failureOf(body, [cut]).message).toMatch(/not JSON|cut off/);
      }
    }
    expect(parseInPieces('{"data":[ ]}', [9]).items).toEqual([]);
  });

  it("keeps a __proto__ key as an own property, as JSON.parse does", () => {
    const { items } = parseInPieces('{"data":[{"id":"a","metadata":{"__proto__":{"x":1}}}]}', [17]);
    const metadata = (items[0] as { metadata: object }).metadata;
    expect(Object.keys(metadata)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
  });

  it("fails a body cut off anywhere, after handing on the items it completed", () => {
    const body = JSON.stringify({ code: "200", data: [{ id: "a" }, { id: "b" }, { id: "c" }] });
    for (let end = 1; end < body.length; end += 1) {
      const error = failureOf(body.slice(0, end));
      expect(error.code).toBe("bad_response");
      expect(error.retryable).toBe(true);
    }
  });

  it("fails on an error code that comes after the data", () => {
    const body = JSON.stringify({ data: [{ id: "a" }], code: "503", message: "overloaded" });
    const error = failureOf(body, [10, 20]);
    expect(error.message).toContain("overloaded");
    expect(error.retryable).toBe(true);
    expect(failureOf(JSON.stringify({ data: [], code: "FAILED" })).retryable).toBe(false);
  });

  it("refuses two data arrays and content after the envelope", () => {
    expect(failureOf('{"data":[1],"data":[2]}').message).toContain("two data arrays");
    expect(failureOf('{"data":[]} {"data":[]}').message).toContain("not JSON");
  });

  it("quotes the start of a body that is not JSON without the secret", () => {
    const parser = new ListPageParser((text) => text.replaceAll("sk-secret", "[redacted]"));
    expect(() => parser.write("<html>sk-secret</html>")).toThrow(/\[redacted\]/);
  });
});
