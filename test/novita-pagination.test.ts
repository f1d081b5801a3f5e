import { describe, expect, it } from "vitest";
import { listingFailure, testClient, useSimulator } from "./helpers/simulator-harness.js";

const env = useSimulator();

describe("paginated listings", () => {
  it("follows has_more and last_id through every page", async () => {
    const generated = env.sim.store.generate(25, { seed: 11 });
    env.sim.faults.pageSize = 10;
    const listing = await testClient(env.sim).listFiles();
    expect(listing.files.map((f) => f.id)).toEqual(generated.map((f) => f.id));
    expect(listing).toMatchObject({ pages: 3, requests: 3 });
  });

  it("stops at a page with has_more false even when it is exactly full", async () => {
    env.sim.store.generate(20);
    env.sim.faults.pageSize = 10;
    const listing = await testClient(env.sim).listFiles();
    expect(listing.files).toHaveLength(20);
    expect(listing.pages).toBe(2);
  });

  it("retries a failed page without starting over", async () => {
    env.sim.store.generate(15);
    env.sim.faults.pageSize = 10;
    env.sim.faults.add({ kind: "delay", delayMs: 0 }).add({ kind: "status", status: 503 });
    const listing = await testClient(env.sim).listFiles();
    expect(listing.files).toHaveLength(15);
    expect(listing).toMatchObject({ pages: 2, requests: 3 });
  });

  it("fails instead of looping when the API repeats a cursor", async () => {
    env.sim.store.generate(10);
    env.sim.faults.always({ kind: "repeated-cursor", pageSize: 3 });
    const error = await listingFailure(testClient(env.sim));
    expect(error).toMatchObject({ code: "pagination", retryable: false });
    expect(error.message).toContain("twice");
    expect(env.sim.requests).toBe(2);
  });

  it("fails past maxPages, naming NOVITA_MAX_PAGES", async () => {
    env.sim.store.generate(10);
    env.sim.faults.pageSize = 2;
    const error = await listingFailure(testClient(env.sim, { maxPages: 3 }));
    expect(error.code).toBe("pagination");
    expect(error.message).toContain("NOVITA_MAX_PAGES (3)");
    expect(env.sim.requests).toBe(3);
  });

  it("reports invalid items with the page they were on", async () => {
    env.sim.store.generate(12);
    env.sim.faults.pageSize = 10;
    env.sim.faults.add({ kind: "delay", delayMs: 0 }).add({ kind: "invalid-items" });
    const listing = await testClient(env.sim).listFiles();
    expect(listing.files).toHaveLength(12);
    expect(new Set(listing.invalid.map((item) => item.page))).toEqual(new Set([2]));
  });

  it("fails when has_more comes without any cursor to continue from", async () => {
    env.sim.faults.always({
      kind: "raw",
      body: JSON.stringify({ code: "200", data: [], has_more: true }),
    });
    const error = await listingFailure(testClient(env.sim));
    expect(error.code).toBe("pagination");
  });
});
