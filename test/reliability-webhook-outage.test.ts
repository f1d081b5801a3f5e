import { describe, expect, it } from "vitest";
import type { CloudEvent } from "../src/events/cloud-event.js";
import { closeAfterAll } from "./helpers/cleanup.js";
import { backdateRetries } from "./helpers/events-fixtures.js";
import { waitFor } from "./helpers/wait-for.js";
import { startWebhookReceiver } from "./helpers/webhook-receiver.js";
import { startWorkerBed } from "./helpers/worker-bed.js";

/** For each file (or "" for sync.* events), the seqs in the order the receiver first accepted them. */
function acceptedOrderByFile(accepted: CloudEvent[]): Map<string, number[]> {
  const seen = new Set<string>();
  const byFile = new Map<string, number[]>();
  for (const event of accepted) {
    if (seen.has(event.id)) continue; // at least once: a repeat is allowed, the first one counts
    seen.add(event.id);
    const key = event.subject ?? "";
    byFile.set(key, [...(byFile.get(key) ?? []), Number(event.seq)]);
  }
  return byFile;
}

describe("reliability: a webhook receiver that fails for a while, through the worker", () => {
  it("delivers every event once the receiver recovers from being down, 500s, 429s and slow answers, in order per file", async () => {
    const bed = await startWorkerBed({ files: 5 });
    const hook = closeAfterAll(await startWebhookReceiver());
    await hook.goDown();
    const worker = await bed.start({
      WEBHOOK_URL: hook.url,
      WEBHOOK_SECRET: hook.secret,
      WEBHOOK_TIMEOUT_MS: "1000",
      // Retries are made due by the test (below) instead of waiting for the schedule, which
      // burns attempts faster than real time would: room for them all.
      WEBHOOK_MAX_ATTEMPTS: "30",
    });
    await waitFor("the bootstrap run", async () => {
      const rows = await bed.db.query("SELECT 1 FROM events WHERE type = 'sync.bootstrapped'");
      return rows.length === 1;
    });
    const ids = ["file-outage-a", "file-outage-b", "file-outage-c"];
    for (const id of ids) bed.simulator.store.add({ id });
    await waitFor("file.created events", async () => {
      const rows = await bed.db.query("SELECT 1 FROM events WHERE type = 'file.created'");
      return rows.length === ids.length;
    });
    for (const round of [1, 2]) {
      for (const id of ids) bed.simulator.store.update(id, { bytes: 1000 + round });
      await waitFor(`file.updated events, round ${round}`, async () => {
        const rows = await bed.db.query("SELECT 1 FROM events WHERE type = 'file.updated'");
        return rows.length === ids.length * round;
      });
    }
    await waitFor("failed attempts while the receiver is down", async () => {
      const rows = await bed.db.query(
        "SELECT 1 FROM event_deliveries WHERE status = 'pending' AND attempts > 0",
      );
      return rows.length > 0;
    });
    expect(hook.requests).toHaveLength(0);

    await hook.comeBack();
    hook.answerNext({ status: 500 }, 3);
    hook.answerNext({ status: 429, headers: { "retry-after": "1" } }, 2);
    hook.answerNext({ status: 200, delayMs: 1_500 }, 1); // slower than WEBHOOK_TIMEOUT_MS
    hook.answerByDefault({ status: 200, delayMs: 100 });
    await waitFor(
      "every delivery recorded as delivered",
      async () => {
        // The schedule waits 5 s, then 5 min: make the retries due now instead of sleeping.
        await backdateRetries(bed.db);
        const rows = await bed.db.query(
          "SELECT 1 FROM event_deliveries WHERE status <> 'delivered'",
        );
        return rows.length === 0;
      },
      { timeoutMs: 40_000, intervalMs: 500 },
    );
    expect(await worker.signal("SIGTERM")).toBe(0);

    const statuses = hook.requests.map((r) => r.status);
    expect(statuses).toEqual(expect.arrayContaining([500, 429]));
    const events = await bed.db.query<{ id: string; seq: number; file_id: string | null }>(
      "SELECT id, seq, file_id FROM events ORDER BY seq",
    );
    expect(events.length).toBe(1 + ids.length * 3);
    const accepted = hook.accepted();
    expect(new Set(accepted.map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
    for (const [file, seqs] of acceptedOrderByFile(accepted)) {
      expect({ file, seqs }).toEqual({ file, seqs: [...seqs].sort((a, b) => a - b) });
    }
  }, 90_000);
});
