import pg from "pg";
import { describe, expect, it } from "vitest";
import {
  backdateRetries,
  deliveryRows,
  dispatcherOptions,
  dispatchUntilIdle,
  insertEvent,
  insertEvents,
  registerTestSinks,
  useDeliveryTestBed,
  webhookSinkFor,
} from "./helpers/events-fixtures.js";
import { runDispatcherOnce } from "./helpers/run-dispatcher-once.js";
import type { WebhookReceiver } from "./helpers/webhook-receiver.js";

const bed = useDeliveryTestBed();
const receiver = bed.receiver;

const subjectsOf = (hook: WebhookReceiver, file: string) =>
  hook
    .accepted()
    .filter((e) => e.subject === file)
    .map((e) => e.seq);

describe("delivery order", () => {
  it("delivers each file's events in seq order, one file's retry holding back only that file", async () => {
    const hook = await receiver();
    const sink = webhookSinkFor(hook, { concurrency: 1 });
    await registerTestSinks(bed.db, [sink]);
    const written = await insertEvents(bed.db, [
      { fileId: "file-f", type: "file.created" },
      { fileId: "file-g", type: "file.created" },
      { fileId: "file-f", type: "file.updated" },
      { fileId: "file-f", type: "file.expiring" },
      { fileId: "file-g", type: "file.updated" },
    ]);
    hook.answerNext({ status: 500 }); // the first request: file-f's first event

    const first = await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));

    expect(first).toMatchObject({ claimed: 2, failed: 1, delivered: 1 });
    expect(subjectsOf(hook, "file-g")).toEqual([written[1]?.seq]);
    // file-f's later events wait behind its retry; file-g goes on.
    const second = await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));
    expect(second.claimed).toBe(1);
    expect(subjectsOf(hook, "file-g")).toEqual([written[1]?.seq, written[4]?.seq]);
    expect(subjectsOf(hook, "file-f")).toEqual([]);

    await dispatchUntilIdle(bed.db, dispatcherOptions(bed.db, [sink]));

    expect(subjectsOf(hook, "file-f")).toEqual([written[0]?.seq, written[2]?.seq, written[3]?.seq]);
    const attempts = (await deliveryRows(bed.db)).map((r) => [r.seq, r.status, r.attempts]);
    expect(attempts).toEqual([
      [written[0]?.seq, "delivered", 2],
      [written[1]?.seq, "delivered", 1],
      [written[2]?.seq, "delivered", 1],
      [written[3]?.seq, "delivered", 1],
      [written[4]?.seq, "delivered", 1],
    ]);
  });

  it("keeps events without a file in order among themselves", async () => {
    const hook = await receiver();
    const sink = webhookSinkFor(hook);
    await registerTestSinks(bed.db, [sink]);
    const written = await insertEvents(bed.db, [
      { fileId: null, type: "sync.bootstrapped", data: { files: 3 } },
      { fileId: null, type: "sync.guarded", data: { wouldDisappear: 9 } },
    ]);
    hook.answerNext({ status: 503 });

    await dispatchUntilIdle(bed.db, dispatcherOptions(bed.db, [sink]));

    const seqs = hook.accepted().map((e) => e.seq);
    expect(seqs).toEqual(written.map((w) => w.seq));
    expect(hook.accepted()[0]).not.toHaveProperty("subject");
  });

  it("lets a failing URL fail alone: another URL gets every event at once", async () => {
    const broken = await receiver();
    const fine = await receiver();
    broken.answerByDefault({ status: 500 });
    const brokenSink = webhookSinkFor(broken);
    const fineSink = webhookSinkFor(fine);
    await registerTestSinks(bed.db, [brokenSink, fineSink]);
    await insertEvents(bed.db, [{ fileId: "file-a" }, { fileId: "file-a" }, { fileId: "file-b" }]);

    await runDispatcherOnce(dispatcherOptions(bed.db, [brokenSink, fineSink]));
    await runDispatcherOnce(dispatcherOptions(bed.db, [brokenSink, fineSink]));

    expect(fine.accepted()).toHaveLength(3);
    const brokenRows = await deliveryRows(bed.db, brokenSink.name);
    expect(brokenRows.map((r) => [r.status, r.attempts])).toEqual([
      ["pending", 1],
      ["pending", 0],
      ["pending", 1],
    ]);
  });

  it("never skips an event whose transaction commits after a later one was delivered", async () => {
    const hook = await receiver();
    const sink = webhookSinkFor(hook);
    await registerTestSinks(bed.db, [sink]);
    const slow = new pg.Client({ connectionString: bed.db.url });
    await slow.connect();
    try {
      await slow.query("BEGIN");
      const held = await insertEvent(
        { query: async (sql, params) => (await slow.query(sql, params)).rows },
        { fileId: "file-held" },
      );
      const committed = await insertEvent(bed.db, { fileId: "file-other" });
      expect(held.seq).toBeLessThan(committed.seq);

      const before = await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));
      expect(before.delivered).toBe(1);
      expect(hook.accepted().map((e) => e.id)).toEqual([committed.id]);

      await slow.query("COMMIT");
      const after = await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));
      expect(after.delivered).toBe(1);
      expect(hook.accepted().map((e) => e.id)).toEqual([committed.id, held.id]);
    } finally {
      await slow.end();
    }
  });

  it("lets two dispatchers share one outbox, each event delivered once and in order per file", async () => {
    const hook = await receiver();
    hook.answerByDefault({ status: 200, delayMs: 5 });
    const sink = webhookSinkFor(hook, { concurrency: 4 });
    await registerTestSinks(bed.db, [sink]);
    const files = ["f1", "f2", "f3", "f4", "f5", "f6"];
    const specs = Array.from({ length: 36 }, (_, i) => ({ fileId: files[i % files.length] }));
    await insertEvents(bed.db, specs);

    const a = dispatcherOptions(bed.db, [sink], { dispatcherId: "a", batchSize: 4 });
    const b = dispatcherOptions(bed.db, [sink], { dispatcherId: "b", batchSize: 4 });
    for (let round = 0; round < 40; round++) {
      const [ra, rb] = await Promise.all([runDispatcherOnce(a), runDispatcherOnce(b)]);
      if (ra.claimed + rb.claimed === 0) break;
    }

    const ids = hook.accepted().map((e) => e.id);
    expect(ids).toHaveLength(36);
    expect(new Set(ids).size).toBe(36);
    for (const file of files) {
      const seqs = subjectsOf(hook, file);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
    await backdateRetries(bed.db);
    expect((await deliveryRows(bed.db)).every((r) => r.status === "delivered")).toBe(true);
  });
});
