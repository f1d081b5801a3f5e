import { describe, expect, it } from "vitest";
import {
  listingFailure,
  testApiKey,
  testClient,
  useSimulator,
} from "./helpers/simulator-harness.js";

const env = useSimulator();

describe("retrying failed list requests", () => {
  it.each([408, 429, 500, 502, 503, 504])("retries HTTP %i and then succeeds", async (status) => {
    env.sim.store.generate(5);
    env.sim.faults.add({ kind: "status", status }, 2);
    const listing = await testClient(env.sim).listFiles();
    expect(listing.files).toHaveLength(5);
    expect(listing.requests).toBe(3);
  });

  it("fails as unavailable, saying how many attempts it made, when 5xx persists", async () => {
    env.sim.faults.always({ kind: "status", status: 503 });
    const error = await listingFailure(testClient(env.sim, { retries: 2 }));
    expect(error).toMatchObject({ code: "unavailable", status: 503, retryable: true });
    expect(error.message).toContain("gave up after 3 attempts");
    expect(env.sim.requests).toBe(3);
  });

  it("does not retry a wrong API key and tells the operator to check NOVITA_API_KEY", async () => {
    const error = await listingFailure(testClient(env.sim, { apiKey: "sk-wrong-key" }));
    expect(error).toMatchObject({ code: "auth", status: 401, retryable: false });
    expect(error.message).toContain("NOVITA_API_KEY");
    expect(env.sim.requests).toBe(1);
  });

  it.each([
    [401, "auth", "NOVITA_API_KEY"],
    [403, "forbidden", "NOVITA_API_KEY"],
    [404, "not_found", "NOVITA_BASE_URL"],
    [400, "bad_request", "NOVITA_BASE_URL"],
  ])("does not retry HTTP %i (%s) and says to check %s", async (status, code, hint) => {
    env.sim.faults.always({ kind: "status", status });
    const error = await listingFailure(testClient(env.sim));
    expect(error).toMatchObject({ code, status, retryable: false });
    expect(error.message).toContain(hint);
    expect(env.sim.requests).toBe(1);
  });

  it("reports not_found when the base URL points at the wrong path", async () => {
    const error = await listingFailure(testClient({ baseUrl: `${env.sim.url}/v2` }));
    expect(error.code).toBe("not_found");
    expect(error.message).toContain("NOVITA_BASE_URL");
  });

  it("waits as long as Retry-After says in seconds, not the scaled backoff", async () => {
    env.sim.faults.add({ kind: "status", status: 429, retryAfter: 1 });
    const started = performance.now();
    const listing = await testClient(env.sim).listFiles();
    const waited = performance.now() - started;
    expect(listing.requests).toBe(2);
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(5_000);
  });

  it("waits until a Retry-After HTTP date, measured against the injected clock", async () => {
    const retryAt = Date.UTC(2030, 0, 1, 12, 0, 0);
    env.sim.faults.add({
      kind: "status",
      status: 503,
      retryAfter: new Date(retryAt).toUTCString(),
    });
    const started = performance.now();
    await testClient(env.sim, { now: () => retryAt - 400 }).listFiles();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(380);
    expect(waited).toBeLessThan(5_000);
  });

  it("caps a long Retry-After at maxRetryAfterMs", async () => {
    env.sim.faults.add({ kind: "status", status: 429, retryAfter: 3600 });
    const started = performance.now();
    await testClient(env.sim, { maxRetryAfterMs: 100 }).listFiles();
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("gives up with deadline instead of sleeping past NOVITA_DEADLINE_MS", async () => {
    env.sim.faults.always({ kind: "status", status: 429, retryAfter: 5 });
    const started = performance.now();
    const error = await listingFailure(
      testClient(env.sim, { deadlineMs: 1_000, maxRetryAfterMs: 10_000 }),
    );
    expect(error.code).toBe("deadline");
    expect(error.message).toContain("NOVITA_DEADLINE_MS");
    expect(error.cause).toMatchObject({ code: "rate_limited" });
    // Sleeping the 5 s Retry-After would take longer than this.
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it("times out a slow response, retries, and succeeds when the server recovers", async () => {
    env.sim.store.generate(2);
    env.sim.faults.add({ kind: "delay", delayMs: 3_000 });
    const listing = await testClient(env.sim, { timeoutMs: 500 }).listFiles();
    expect(listing.files).toHaveLength(2);
    expect(listing.requests).toBe(2);
  });

  it("fails with timeout when every response is too slow", async () => {
    env.sim.faults.always({ kind: "delay", delayMs: 1_000 });
    const error = await listingFailure(testClient(env.sim, { timeoutMs: 100, retries: 1 }));
    expect(error.code).toBe("timeout");
    expect(error.message).toContain("NOVITA_TIMEOUT_MS");
  });

  it("fails with deadline when the deadline runs out during a request", async () => {
    env.sim.faults.always({ kind: "delay", delayMs: 2_000 });
    const error = await listingFailure(testClient(env.sim, { timeoutMs: 5_000, deadlineMs: 300 }));
    expect(error.code).toBe("deadline");
  });

  it("retries a dropped connection and succeeds", async () => {
    env.sim.store.generate(4);
    env.sim.faults.add({ kind: "reset" }, 2);
    const listing = await testClient(env.sim).listFiles();
    expect(listing.files).toHaveLength(4);
  });

  it("fails with network when nothing listens at the base URL", async () => {
    const { startSimulator } = await import("../src/simulator/simulator-server.js");
    const gone = await startSimulator({ apiKey: testApiKey });
    await gone.close();
    const error = await listingFailure(testClient(gone, { retries: 1 }));
    expect(error.code).toBe("network");
    expect(error.message).toContain(gone.url);
  });

  it("stops with aborted when the caller aborts during a retry wait", async () => {
    env.sim.faults.always({ kind: "status", status: 429, retryAfter: 5 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const error = await listingFailure(
      testClient(env.sim, { signal: controller.signal, maxRetryAfterMs: 5_000 }),
    );
    expect(error.code).toBe("aborted");
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it("stops with aborted when the caller aborts during a request", async () => {
    env.sim.faults.always({ kind: "delay", delayMs: 2_000 });
    const error = await listingFailure(testClient(env.sim, { signal: AbortSignal.timeout(100) }));
    expect(error.code).toBe("aborted");
  });
});
