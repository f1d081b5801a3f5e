import { describe, expect, it } from "vitest";
import { listingFailure, testClient, useSimulator } from "./helpers/simulator-harness.js";

const env = useSimulator();

describe("responses the client cannot read", () => {
  it.each(["malformed-json", "truncated", "close-mid-body", "html"] as const)(
    "retries a %s response and succeeds when the next one is whole",
    async (kind) => {
      env.sim.store.generate(50);
      env.sim.faults.add({ kind });
      const listing = await testClient(env.sim).listFiles();
      expect(listing.files).toHaveLength(50);
      expect(listing.requests).toBe(2);
    },
  );

  it.each(["malformed-json", "truncated", "close-mid-body", "html"] as const)(
    "fails as bad_response once retries of %s are exhausted",
    async (kind) => {
      env.sim.store.generate(50);
      env.sim.faults.always({ kind });
      const error = await listingFailure(testClient(env.sim, { retries: 2 }));
      expect(error.code).toBe("bad_response");
      expect(error.message).toContain("gave up after 3 attempts");
      expect(env.sim.requests).toBe(3);
    },
  );

  it("treats an HTML error page with a 502 status as unavailable", async () => {
    env.sim.faults.always({ kind: "html", status: 502 });
    const error = await listingFailure(testClient(env.sim, { retries: 1 }));
    expect(error).toMatchObject({ code: "unavailable", status: 502 });
  });

  it("treats an error code inside an HTTP 200 body as an error, not as an empty list", async () => {
    env.sim.faults.always({ kind: "error-code", code: "INTERNAL_ERROR", message: "db down" });
    const error = await listingFailure(testClient(env.sim));
    expect(error).toMatchObject({ code: "bad_response", retryable: false });
    expect(error.message).toContain("db down");
    expect(env.sim.requests).toBe(1);
  });

  it("maps a numeric error code in an HTTP 200 body like the same HTTP status", async () => {
    env.sim.faults.add({ kind: "error-code", code: "401", message: "invalid key" });
    const auth = await listingFailure(testClient(env.sim));
    expect(auth).toMatchObject({ code: "auth", status: 401 });
    expect(auth.message).toContain("NOVITA_API_KEY");

    env.sim.store.generate(2);
    env.sim.faults.add({ kind: "error-code", code: 500 });
    const listing = await testClient(env.sim).listFiles();
    expect(listing.files).toHaveLength(2);
    expect(listing.requests).toBe(2);
  });

  it("rejects a response whose Content-Length is over maxResponseBytes without reading it", async () => {
    env.sim.store.generate(200);
    const error = await listingFailure(testClient(env.sim, { maxResponseBytes: 10_000 }));
    expect(error).toMatchObject({ code: "too_large", retryable: false });
    expect(error.message).toContain("NOVITA_MAX_RESPONSE_BYTES");
    expect(error.message).toContain("declares");
  });

  it("stops reading a chunked response once it passes maxResponseBytes", async () => {
    env.sim.store.generate(200);
    env.sim.faults.always({ kind: "chunked" });
    const error = await listingFailure(testClient(env.sim, { maxResponseBytes: 10_000 }));
    expect(error.code).toBe("too_large");
    expect(error.message).toContain("went past 10000 bytes");
    expect(env.sim.requests).toBe(1);
  });

  it("reads a chunked response that fits", async () => {
    env.sim.store.generate(200);
    env.sim.faults.always({ kind: "chunked" });
    const listing = await testClient(env.sim).listFiles();
    expect(listing.files).toHaveLength(200);
  });

  it("fails a redirect instead of following it, naming NOVITA_BASE_URL", async () => {
    env.sim.faults.always({ kind: "status", status: 301 });
    const error = await listingFailure(testClient(env.sim));
    expect(error.code).toBe("bad_response");
    expect(error.message).toContain("NOVITA_BASE_URL");
  });
});
