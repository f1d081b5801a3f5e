import { describe, expect, it } from "vitest";
import { closeAfterAll } from "./helpers/cleanup.js";
import { mirrorViolations } from "./helpers/reliability-invariants.js";
import { waitFor } from "./helpers/wait-for.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";
import { skewedClockEnv, startWorkerBed, type WorkerBed } from "./helpers/worker-bed.js";

const minute = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function receiver(): Promise<WebhookReceiver> {
  return closeAfterAll(await startWebhookReceiver());
}

const expiring = (bed: WorkerBed) =>
  bed.db.query<{ seconds_left: number }>(
    "SELECT (data->>'seconds_left')::int AS seconds_left FROM events WHERE type = 'file.expiring'",
  );

/** Each claimed fire ran at most once and no two runs raced for the lock. */
async function expectNoDuplicateRuns(bed: WorkerBed): Promise<void> {
  const runs = await bed.runs();
  const [fires] = await bed.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM cron_fires WHERE key LIKE 'sync:%'",
  );
  expect(runs.filter((r) => r.trigger === "cron").length).toBeLessThanOrEqual(fires!.n);
  expect(runs.filter((r) => r.status === "skipped")).toEqual([]);
}

describe("reliability: a wrong application clock", () => {
  it("warns neither early nor twice and runs no fire twice when the worker's clock is 10 minutes ahead", async () => {
    const bed = await startWorkerBed({ files: 5 });
    // Expires in 30 minutes (database time); the 25m warning is due in 5 minutes. A worker that
    // judged by its own clock (10 minutes ahead) would send it now.
    bed.simulator.store.add({
      id: "file-expiring",
      purpose: "batch_output",
      expires_at: nowSeconds() + 30 * 60,
    });
    const worker = await bed.start({
      ...skewedClockEnv({ skewMs: 10 * minute }),
      EXPIRY_WARNING_WINDOWS: "25m",
    });
    await waitFor(
      "three scheduled runs",
      async () => (await bed.runs()).filter((r) => r.trigger === "cron").length >= 3,
      { timeoutMs: 20_000 },
    );
    expect(await expiring(bed)).toEqual([]);

    // Now due by database time: 20 minutes left, inside the 25m window.
    bed.simulator.store.setExpiry("file-expiring", nowSeconds() + 20 * 60);
    await waitFor("the warning", async () => (await expiring(bed)).length > 0, {
      timeoutMs: 15_000,
    });
    await sleep(4_000); // more scans: still one warning
    const warnings = await expiring(bed);
    expect(warnings).toHaveLength(1);
    // Seconds left by the database's clock (about 20 min), not the worker's (about 10 min).
    expect(warnings[0]!.seconds_left).toBeGreaterThan(19 * 60);
    expect(await worker.signal("SIGTERM")).toBe(0);
    await expectNoDuplicateRuns(bed);
    expect(await mirrorViolations(bed.db)).toEqual([]);
  }, 60_000);

  // Four minutes, not ten: receivers that verify Standard Webhooks signatures refuse timestamps
  // more than five minutes off, whatever the dispatcher does (see docs/reliability.md).
  it("delivers at once, repeats no run and no warning when the worker's clock is 4 minutes behind and then steps back", async () => {
    const bed = await startWorkerBed({ files: 5 });
    const hook = await receiver();
    bed.simulator.store.add({
      id: "file-expiring",
      purpose: "batch_output",
      expires_at: nowSeconds() + 20 * 60,
    });
    const worker = await bed.start({
      ...skewedClockEnv({ skewMs: -4 * minute, jumpBackMs: 6_000, jumpBackAfterMs: 5_000 }),
      EXPIRY_WARNING_WINDOWS: "25m",
      WEBHOOK_URL: hook.url,
      WEBHOOK_SECRET: hook.secret,
    });
    await waitFor(
      "the bootstrap event and the warning at the webhook",
      () =>
        hook.accepted().some((e) => e.type.endsWith("sync.bootstrapped")) &&
        hook.accepted().some((e) => e.type.endsWith("file.expiring")),
      { timeoutMs: 15_000 },
    );
    const before = (await bed.runs()).length;
    await sleep(7_000); // the clock steps back 6 s, 5 s after the worker started
    bed.simulator.store.add({ id: "file-after-the-step" });
    await waitFor(
      "scheduled runs after the step, and the new file at the webhook",
      async () =>
        (await bed.runs()).length >= before + 2 &&
        hook.accepted().some((e) => e.subject === "file-after-the-step"),
      { timeoutMs: 20_000 },
    );
    expect(await expiring(bed)).toHaveLength(1);
    expect(await worker.signal("SIGTERM")).toBe(0);
    await expectNoDuplicateRuns(bed);
    expect(await mirrorViolations(bed.db)).toEqual([]);
  }, 60_000);
});
