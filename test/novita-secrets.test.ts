import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import type { NovitaClientOptions } from "../src/novita/make-novita-client.js";
import type { Fault } from "../src/simulator/fault-schema.js";
import { startSimulator } from "../src/simulator/simulator-server.js";
import {
  capturingLogger,
  listingFailure,
  testApiKey,
  testClient,
  useSimulator,
} from "./helpers/simulator-harness.js";

const env = useSimulator();

/** Every rendering of an error someone might log or report: message, stacks, causes, JSON. */
function renderError(error: unknown): string {
  const parts: string[] = [inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    const e = current as Error;
    parts.push(String(e.message), String(e.stack), JSON.stringify(e), String(e));
    current = e.cause;
  }
  return parts.join("\n");
}

async function expectNoLeak(
  setup: () => Promise<{ baseUrl: string }> | { baseUrl: string },
  options: Partial<NovitaClientOptions> = {},
): Promise<string> {
  const target = await setup();
  const capture = capturingLogger();
  const error = await listingFailure(
    testClient(target, { logger: capture.logger, retries: 1, ...options }),
  );
  const everything = `${capture.lines.join("\n")}\n${renderError(error)}`;
  expect(capture.lines.length).toBeGreaterThan(0);
  expect(everything).not.toContain(testApiKey);
  return error.code;
}

const faultWith = (fault: Fault) => () => {
  env.sim.faults.always(fault);
  return env.sim;
};

describe("the API key never leaks into logs or errors", () => {
  it("on an auth failure from a server that knows another key", async () => {
    const other = await startSimulator({ apiKey: "sk-some-other-key" });
    try {
      expect(await expectNoLeak(() => other)).toBe("auth");
    } finally {
      await other.close();
    }
  });

  it("on a network error from a closed server", async () => {
    const gone = await startSimulator({ apiKey: testApiKey });
    await gone.close();
    expect(await expectNoLeak(() => gone)).toBe("network");
  });

  it("on a timeout", async () => {
    const code = await expectNoLeak(faultWith({ kind: "delay", delayMs: 1_000 }), {
      timeoutMs: 50,
    });
    expect(code).toBe("timeout");
  });

  it("on a deadline", async () => {
    const code = await expectNoLeak(faultWith({ kind: "delay", delayMs: 1_000 }), {
      deadlineMs: 50,
    });
    expect(code).toBe("deadline");
  });

  it.each(["malformed-json", "truncated", "close-mid-body", "reset"] as const)(
    "on a %s response",
    async (kind) => {
      env.sim.store.generate(20);
      const code = await expectNoLeak(faultWith({ kind }));
      expect(["bad_response", "network"]).toContain(code);
    },
  );

  it("when a hostile server echoes the key back in bodies and headers", async () => {
    const echoes: Fault[] = [
      { kind: "status", status: 401, body: { code: "401", message: `bad key ${testApiKey}` } },
      { kind: "status", status: 503, body: { message: `down for ${testApiKey}` } },
      { kind: "error-code", code: `E_${testApiKey}`, message: `Bearer ${testApiKey}` },
      { kind: "raw", body: `<html>Authorization: Bearer ${testApiKey}</html>` },
      { kind: "raw", status: 400, body: `key=${testApiKey}`, contentType: "text/plain" },
      { kind: "status", status: 429, retryAfter: testApiKey },
    ];
    for (const fault of echoes) {
      env.sim.faults.reset();
      await expectNoLeak(faultWith(fault));
    }
  });

  it("when a paginated server repeats a cursor that holds the key", async () => {
    env.sim.store.add({ id: testApiKey });
    const code = await expectNoLeak(faultWith({ kind: "repeated-cursor", pageSize: 1 }));
    expect(code).toBe("pagination");
  });
});
