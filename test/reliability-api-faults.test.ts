import { beforeAll, describe, expect, it } from "vitest";
import type { Fault, FaultTimes } from "../src/simulator/index.js";
import type { SyncSettings } from "../src/sync/sync-settings.js";
import { mirrorViolations } from "./helpers/reliability-invariants.js";
import { syncWith } from "./helpers/reliability-sync.js";
import type { SyncScenario } from "./helpers/sync-scenario.js";
import { startSyncScenario } from "./helpers/sync-scenario.js";

interface FaultCase {
  name: string;
  fault: Fault;
  times: FaultTimes;
  status: "failed" | "succeeded" | "guarded";
  /** The run's error code when it fails. */
  code?: string;
  settings?: Partial<SyncSettings>;
}

const files = 30;
const cases: FaultCase[] = [
  {
    name: "a 429 storm with Retry-After",
    fault: { kind: "status", status: 429, retryAfter: 0.2 },
    times: "always",
    status: "failed",
    code: "rate_limited",
  },
  {
    name: "two 429s with Retry-After, then answers",
    fault: { kind: "status", status: 429, retryAfter: 0.2 },
    times: 2,
    status: "succeeded",
  },
  {
    name: "a burst of two 503s",
    fault: { kind: "status", status: 503 },
    times: 2,
    status: "succeeded",
  },
  {
    name: "500 on every request",
    fault: { kind: "status", status: 500 },
    times: "always",
    status: "failed",
    code: "unavailable",
  },
  {
    name: "answers slower than NOVITA_TIMEOUT_MS",
    fault: { kind: "delay", delayMs: 1_000 },
    times: "always",
    status: "failed",
    code: "timeout",
  },
  {
    name: "a truncated body",
    fault: { kind: "truncated" },
    times: "always",
    status: "failed",
    code: "bad_response",
  },
  {
    name: "a connection closed mid-body",
    fault: { kind: "close-mid-body" },
    times: "always",
    status: "failed",
    code: "bad_response",
  },
  {
    name: "a malformed JSON body",
    fault: { kind: "malformed-json" },
    times: "always",
    status: "failed",
    code: "bad_response",
  },
  {
    name: "an HTML page with HTTP 200",
    fault: { kind: "html" },
    times: "always",
    status: "failed",
    code: "bad_response",
  },
  {
    name: "a connection reset",
    fault: { kind: "reset" },
    times: "always",
    status: "failed",
    code: "network",
  },
  {
    name: "an envelope without data",
    fault: { kind: "no-data" },
    times: "always",
    status: "failed",
    code: "bad_response",
  },
  {
    name: "an error code in an HTTP 200 body",
    fault: { kind: "error-code", code: "500" },
    times: "always",
    status: "failed",
    code: "unavailable",
  },
  {
    name: "a repeated pagination cursor",
    fault: { kind: "repeated-cursor", pageSize: 5 },
    times: "always",
    status: "failed",
    code: "pagination",
  },
  { name: "an empty list", fault: { kind: "empty" }, times: 1, status: "guarded" },
  {
    name: "a list missing half the files, with MASS_DISAPPEARANCE_RATIO=0.3",
    fault: { kind: "missing-half" },
    times: 1,
    status: "guarded",
    settings: { massDisappearanceRatio: 0.3 },
  },
  {
    name: "a list missing half the files, with DISAPPEARANCE_CONFIRMATIONS=2",
    fault: { kind: "missing-half" },
    times: 1,
    status: "succeeded",
    settings: { disappearanceConfirmations: 2 },
  },
  {
    name: "invalid items mixed into the list",
    fault: { kind: "invalid-items" },
    times: 1,
    status: "succeeded",
  },
];

const disappeared = async (s: SyncScenario) =>
  (
    await s.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM files WHERE status <> 'active')
            + (SELECT count(*) FROM events WHERE type = 'file.disappeared') AS n`,
    )
  )[0]!.n;

describe("reliability: API faults never cause a false disappearance or an unhandled error", () => {
  let s: SyncScenario;
  beforeAll(async () => {
    s = await startSyncScenario();
    s.simulator.store.generate(files);
    expect((await syncWith(s)).status).toBe("succeeded");
  });

  it.each(cases)(
    "$name: the run is $status, and the next clean run changes nothing",
    async (c) => {
      s.simulator.faults.reset();
      s.simulator.faults.add(c.fault, c.times);
      const outcome = await syncWith(s, {
        client: { retries: 2, timeoutMs: 300, maxRetryAfterMs: 1_000 },
        ...(c.settings === undefined ? {} : { settings: c.settings }),
      });
      s.simulator.faults.reset();
      expect(outcome.status).toBe(c.status);
      const [run] = await s.db.query("SELECT status, error_code FROM sync_runs WHERE id = $1", [
        outcome.runId,
      ]);
      expect(run).toMatchObject({ status: c.status, error_code: c.code ?? null });
      expect(Number(await disappeared(s))).toBe(0);

      const clean = await syncWith(s);
      expect(clean.status).toBe("succeeded");
      expect(clean.counts).toMatchObject({ created: 0, updated: 0, disappeared: 0 });
      expect(await s.db.query("SELECT max(missed_runs)::int AS m FROM files")).toEqual([{ m: 0 }]);
      expect(await mirrorViolations(s.db)).toEqual([]);
    },
    15_000,
  );

  it("would accept a list missing exactly half the files with the default settings (why the docs recommend a lower ratio)", async () => {
    const probe = await startSyncScenario();
    probe.simulator.store.generate(files);
    await syncWith(probe);
    probe.simulator.faults.add({ kind: "missing-half" });
    const outcome = await syncWith(probe);
    expect(outcome.status).toBe("succeeded");
    expect(outcome.counts.disappeared).toBe(files / 2);
  }, 15_000);
});
