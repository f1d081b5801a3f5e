import { describe, expect, it } from "vitest";
import { testClient, useSimulator } from "./helpers/simulator-harness.js";

const env = useSimulator();

describe("a large account", () => {
  it("fetches and validates a 100k-file listing in one response", async () => {
    const generateStarted = performance.now();
    env.sim.store.generate(100_000, { seed: 100 });
    const generateMs = Math.round(performance.now() - generateStarted);

    const started = performance.now();
    const listing = await testClient(env.sim, {
      timeoutMs: 30_000,
      deadlineMs: 60_000,
    }).listFiles();
    const fetchMs = Math.round(performance.now() - started);

    expect(listing.files).toHaveLength(100_000);
    expect(listing.invalid).toEqual([]);
    expect(listing.files[0]?.createdAt).toBeInstanceOf(Date);
    console.log(
      `100k-file listing: generated in ${generateMs} ms, fetched + validated in ${fetchMs} ms (client durationMs ${listing.durationMs})`,
    );
  });

  it("fetches 100k files across 100 pages of 1000", async () => {
    env.sim.store.generate(100_000, { seed: 101 });
    env.sim.faults.pageSize = 1_000;
    const started = performance.now();
    const listing = await testClient(env.sim, { maxPages: 1_000 }).listFiles();
    const fetchMs = Math.round(performance.now() - started);
    expect(listing.files).toHaveLength(100_000);
    expect(listing.pages).toBe(100);
    console.log(`100k-file listing over 100 pages: ${fetchMs} ms`);
  });
});
