import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFileItem } from "../src/novita/file-schema.js";
import { listRetryBackoff } from "../src/novita/list-files.js";
import { isSuccessCode } from "../src/novita/response-code.js";
import { backoffDelayMs } from "../src/retry/backoff.js";
import { parseRetryAfter } from "../src/retry/retry-after.js";

const now = Date.UTC(2025, 0, 1, 0, 0, 0);
const item = {
  id: "file-1",
  object: "file",
  bytes: 10,
  filename: "in.jsonl",
  created_at: 1_700_000_000,
  purpose: "batch",
  metadata: { total_requests: 3 },
};

describe("Retry-After", () => {
  it("reads delay-seconds, including decimals", () => {
    expect(parseRetryAfter("3", now)).toBe(3_000);
    expect(parseRetryAfter(" 0.5 ", now)).toBe(500);
    expect(parseRetryAfter("0", now)).toBe(0);
  });

  it("reads an HTTP date relative to the injected clock, past dates as 0", () => {
    expect(parseRetryAfter(new Date(now + 7_000).toUTCString(), now)).toBe(7_000);
    expect(parseRetryAfter(new Date(now - 7_000).toUTCString(), now)).toBe(0);
  });

  it("ignores absent and unreadable values", () => {
    for (const value of [null, undefined, "", "-1", "soon", "12abc"]) {
      expect(parseRetryAfter(value, now)).toBeNull();
    }
  });
});

describe("the envelope code rule", () => {
  it("accepts absent, 0, 2xx and success words", () => {
    for (const code of [undefined, null, "", 0, "0", 200, "200", 204, "success", "OK"]) {
      expect(isSuccessCode(code)).toBe(true);
    }
  });

  it("rejects error statuses, other words and other types", () => {
    for (const code of [400, "401", 500, "503", 1, "error", "FAILED", true, {}, []]) {
      expect(isSuccessCode(code)).toBe(false);
    }
  });
});

const at = { page: 1, index: 0 };

describe("file item validation", () => {
  it("accepts a documented item and keeps unknown fields in extra", () => {
    const parsed = parseFileItem({ ...item, status: "processed" }, at);
    expect(parsed).toMatchObject({
      ok: true,
      file: { totalRequests: 3, extra: { status: "processed" } },
    });
  });

  it.each([
    ["id", { ...item, id: "" }, "file-1"],
    ["bytes", { ...item, bytes: 1.5 }, "file-1"],
    ["bytes", { ...item, bytes: -1 }, "file-1"],
    ["created_at", { ...item, created_at: "2024-01-01" }, "file-1"],
    ["created_at", { ...item, created_at: 1e15 }, "file-1"],
    ["expires_at", { ...item, expires_at: 1.5 }, "file-1"],
    ["purpose", { ...item, purpose: "" }, "file-1"],
    ["metadata", { ...item, metadata: [] }, "file-1"],
    ["metadata.total_requests", { ...item, metadata: { total_requests: "3" } }, "file-1"],
  ])("rejects a bad %s, naming it", (field, raw, id) => {
    const parsed = parseFileItem(raw, at);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problem).toContain(field);
    expect(parsed.id).toBe(raw.id === "" ? null : id);
  });

  it("accepts a null expires_at as no expiry", () => {
    expect(parseFileItem({ ...item, expires_at: null }, at)).toMatchObject({
      file: { expiresAt: null },
    });
  });

  it("never throws, whatever the item is", () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        const parsed = parseFileItem(raw, at);
        expect(typeof parsed.ok).toBe("boolean");
      }),
    );
  });
});

describe("backoff", () => {
  it("grows exponentially, stays within its jitter band and is capped", () => {
    expect(backoffDelayMs(1, listRetryBackoff, () => 0)).toBe(250);
    expect(backoffDelayMs(1, listRetryBackoff, () => 1)).toBe(500);
    expect(backoffDelayMs(3, listRetryBackoff, () => 1)).toBe(2_000);
    expect(backoffDelayMs(20, listRetryBackoff, () => 1)).toBe(30_000);
  });
});
