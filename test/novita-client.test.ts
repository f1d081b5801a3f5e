import { describe, expect, it } from "vitest";
import { invalidItemReadableIds, invalidItems } from "../src/simulator/invalid-items.js";
import {
  capturingLogger,
  listingFailure,
  testApiKey,
  testClient,
  useSimulator,
} from "./helpers/simulator-harness.js";

const env = useSimulator();

describe("listing files from the simulator", () => {
  it("returns every file, normalized, with dates, totals and unknown fields kept", async () => {
    const { store } = env.sim;
    store.add({ id: "file-in", purpose: "batch", created_at: 1_700_000_000, bytes: 42 });
    store.add({
      id: "file-out",
      purpose: "batch_output",
      created_at: 1_700_000_100,
      expires_at: 1_702_592_100,
      metadata: { origin: "batch-7" },
      region: "us-east",
    });
    const listing = await testClient(env.sim).listFiles();
    expect(listing.files).toEqual([
      {
        id: "file-in",
        object: "file",
        bytes: 42,
        filename: "file-in.jsonl",
        createdAt: new Date(1_700_000_000_000),
        expiresAt: null,
        purpose: "batch",
        totalRequests: 10,
        metadata: { total_requests: 10 },
        extra: {},
        page: 1,
        index: 0,
      },
      expect.objectContaining({
        id: "file-out",
        index: 1,
        expiresAt: new Date(1_702_592_100_000),
        totalRequests: null,
        metadata: { origin: "batch-7" },
        extra: { region: "us-east" },
      }),
    ]);
    expect(listing).toMatchObject({ invalid: [], invalidIds: [], pages: 1, requests: 1 });
  });

  it("accepts realistic generated files of both purposes", async () => {
    env.sim.store.generate(500, { seed: 7 });
    const listing = await testClient(env.sim).listFiles();
    expect(listing.files).toHaveLength(500);
    expect(new Set(listing.files.map((f) => f.purpose))).toEqual(
      new Set(["batch", "batch_output"]),
    );
    expect(listing.invalid).toEqual([]);
  });

  it("returns an empty listing when the API really says there are no files", async () => {
    env.sim.store.generate(3);
    env.sim.faults.add({ kind: "empty" });
    const listing = await testClient(env.sim).listFiles();
    expect(listing.files).toEqual([]);
  });

  it("accepts an unknown purpose (logged at debug) and a missing or null metadata", async () => {
    const item = { object: "file", bytes: 1, filename: "a", created_at: 1, purpose: "fine-tune" };
    env.sim.faults.add({
      kind: "raw",
      body: JSON.stringify({
        code: 0,
        data: [
          { ...item, id: "f1" },
          { ...item, id: "f2", metadata: null },
        ],
      }),
    });
    const capture = capturingLogger();
    const { files } = await testClient(env.sim, { logger: capture.logger }).listFiles();
    expect(files).toMatchObject([
      { id: "f1", purpose: "fine-tune", metadata: {}, totalRequests: null },
      { id: "f2", metadata: {} },
    ]);
    const note = capture.records().find((r) => String(r.msg).includes("purposes"));
    expect(note).toMatchObject({ level: 20, purposes: { "fine-tune": 2 } });
  });

  it("leaves invalid items out, logs them with position and id, and reports readable ids", async () => {
    env.sim.store.generate(20, { seed: 3 });
    env.sim.faults.add({ kind: "invalid-items" });
    const capture = capturingLogger();
    const listing = await testClient(env.sim, { logger: capture.logger }).listFiles();
    expect(listing.files).toHaveLength(20);
    expect(listing.invalid).toHaveLength(invalidItems.length);
    expect([...listing.invalidIds].sort()).toEqual([...invalidItemReadableIds].sort());
    const bytesItem = listing.invalid.find((item) => item.id === "file-invalid-bytes");
    expect(bytesItem).toMatchObject({ page: 1, problem: expect.stringContaining("bytes") });
    const warnings = capture.records().filter((r) => r.msg?.toString().includes("invalid"));
    expect(warnings).toHaveLength(invalidItems.length);
    expect(warnings[0]).toMatchObject({ level: 40, page: 1, index: expect.any(Number) });
  });

  it("keeps the last of repeated ids and logs the repetition", async () => {
    const item = { object: "file", filename: "a", created_at: 1, purpose: "batch", metadata: {} };
    env.sim.faults.add({
      kind: "raw",
      body: JSON.stringify({
        code: "200",
        data: [
          { ...item, id: "dup", bytes: 1 },
          { ...item, id: "other", bytes: 2 },
          { ...item, id: "dup", bytes: 3 },
        ],
      }),
    });
    const capture = capturingLogger();
    const { files } = await testClient(env.sim, { logger: capture.logger }).listFiles();
    expect(files.map((f) => [f.id, f.bytes])).toEqual([
      ["dup", 3],
      ["other", 2],
    ]);
    expect(capture.records().some((r) => r.msg?.toString().includes("repeated file ids"))).toBe(
      true,
    );
  });

  it("cannot tell a missing-half answer from a complete one (the sync's guard must)", async () => {
    env.sim.store.generate(10);
    env.sim.faults.add({ kind: "missing-half" });
    const listing = await testClient(env.sim).listFiles();
    expect(listing.files).toHaveLength(5);
    expect(listing.invalid).toEqual([]);
  });

  it("fails instead of returning zero files when the body has no data array", async () => {
    env.sim.store.generate(3);
    env.sim.faults.always({ kind: "no-data" });
    const error = await listingFailure(testClient(env.sim, { retries: 1 }));
    expect(error.code).toBe("bad_response");
    expect(error.message).toContain("data array");
  });

  it("reports every request to onRequest with its status and duration", async () => {
    env.sim.faults.add({ kind: "status", status: 503 }).add({ kind: "reset" });
    const seen: Array<{ status: number | "error"; durationMs: number }> = [];
    await testClient(env.sim, { onRequest: (info) => seen.push(info) }).listFiles();
    expect(seen.map((s) => s.status)).toEqual([503, "error", 200]);
    expect(seen.every((s) => s.durationMs >= 0)).toBe(true);
  });

  it("logs one debug line per request with status, duration, attempt and page", async () => {
    env.sim.faults.add({ kind: "status", status: 500 });
    const capture = capturingLogger();
    await testClient(env.sim, { logger: capture.logger }).listFiles();
    const requests = capture.records().filter((r) => r.msg === "novita list request");
    expect(requests).toMatchObject([
      { level: 20, status: 500, attempt: 1, page: 1, durationMs: expect.any(Number) },
      { level: 20, status: 200, attempt: 2, page: 1 },
    ]);
    const retries = capture.records().filter((r) => r.level === 40);
    expect(retries).toMatchObject([
      { attempt: 1, delayMs: expect.any(Number), code: "unavailable" },
    ]);
  });

  it("refuses an API key with whitespace without echoing it", () => {
    expect(() => testClient(env.sim, { apiKey: `${testApiKey} x` })).toThrow(/NOVITA_API_KEY/);
    expect(() => testClient(env.sim, { apiKey: `${testApiKey} x` })).not.toThrow(testApiKey);
  });

  it("refuses a base URL that is not http(s) and settings out of range, naming them", () => {
    expect(() => testClient({ baseUrl: "api.novita.ai" })).toThrow(/NOVITA_BASE_URL/);
    expect(() => testClient(env.sim, { retries: -1, maxPages: 0 })).toThrow(
      /NOVITA_RETRIES[\s\S]*NOVITA_MAX_PAGES/,
    );
  });
});
