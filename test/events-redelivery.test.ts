import { describe, expect, it } from "vitest";
import { redeliverEvents, retireSink } from "../src/events/operator-actions.js";
import {
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

const bed = useDeliveryTestBed();
const receiver = bed.receiver;

describe("dead deliveries and redelivery", () => {
  it("makes a delivery dead after the last attempt, visible in SQL, and delivers it again once redelivered", async () => {
    const hook = await receiver();
    hook.answerByDefault({ status: 500 });
    const sink = webhookSinkFor(hook, { maxAttempts: 3 });
    await registerTestSinks(bed.db, [sink]);
    const event = await insertEvent(bed.db);

    await dispatchUntilIdle(bed.db, dispatcherOptions(bed.db, [sink]));

    expect(hook.requests).toHaveLength(3);
    const [dead] = await bed.db.query<{ status: string; attempts: number; last_error: string }>(
      "SELECT status, attempts, last_error FROM event_deliveries WHERE status = 'dead'",
    );
    expect(dead).toMatchObject({ status: "dead", attempts: 3 });
    expect(dead?.last_error).toBe("HTTP 500 (attempt 3 of 3; giving up)");

    hook.answerByDefault({ status: 200 });
    const result = await redeliverEvents(bed.db.prisma, { dead: true }, { now: new Date() });
    expect(result).toEqual({ reset: 1, created: 0, reenabled: [] });
    expect(await deliveryRows(bed.db)).toMatchObject([{ status: "pending", attempts: 0 }]);

    const round = await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));
    expect(round.delivered).toBe(1);
    expect(hook.accepted().map((e) => e.id)).toEqual([event.id]);
  });

  it("loses nothing while a receiver is down for a while and comes back", async () => {
    const hook = await receiver();
    const sink = webhookSinkFor(hook);
    await registerTestSinks(bed.db, [sink]);
    const written = await insertEvents(bed.db, [
      { fileId: "file-a" },
      { fileId: "file-b" },
      { fileId: "file-a", type: "file.updated" },
    ]);
    await hook.goDown();

    await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));
    await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));
    const failed = await deliveryRows(bed.db);
    expect(failed.every((r) => r.status === "pending")).toBe(true);
    expect(failed[0]?.last_error).toMatch(/fetch failed \(ECONNREFUSED\)/);
    expect(failed[0]?.last_error).not.toContain("127.0.0.1");

    await hook.comeBack();
    await dispatchUntilIdle(bed.db, dispatcherOptions(bed.db, [sink]));

    expect(hook.accepted().map((e) => e.id)).toEqual(
      expect.arrayContaining(written.map((w) => w.id)),
    );
    expect((await deliveryRows(bed.db)).every((r) => r.status === "delivered")).toBe(true);
  });

  it("redelivers one event by id, even one already delivered", async () => {
    const hook = await receiver();
    const sink = webhookSinkFor(hook);
    await registerTestSinks(bed.db, [sink]);
    const event = await insertEvent(bed.db);
    await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));

    const result = await redeliverEvents(bed.db.prisma, { eventId: event.id }, { now: new Date() });
    await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));

    expect(result.reset).toBe(1);
    expect(hook.accepted().map((e) => e.id)).toEqual([event.id, event.id]);
  });

  it("re-enables a URL disabled by 410 when its dead deliveries are redelivered", async () => {
    const hook = await receiver();
    hook.answerNext({ status: 410 });
    const sink = webhookSinkFor(hook);
    await registerTestSinks(bed.db, [sink]);
    await insertEvent(bed.db, { fileId: "file-a" });
    await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));
    await insertEvent(bed.db, { fileId: "file-b" });

    const result = await redeliverEvents(
      bed.db.prisma,
      { dead: true },
      { sink: sink.name, now: new Date() },
    );
    await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));

    expect(result).toEqual({ reset: 2, created: 0, reenabled: [sink.name] });
    expect(
      hook
        .accepted()
        .map((e) => e.subject)
        .sort(),
    ).toEqual(["file-a", "file-b"]);
  });

  it("delivers to a new sink only events written after it was registered, until a --since redelivery backfills it", async () => {
    const older = await receiver();
    const newer = await receiver();
    const olderSink = webhookSinkFor(older);
    const newerSink = webhookSinkFor(newer);
    await registerTestSinks(bed.db, [olderSink]);
    const before = await insertEvent(bed.db, { fileId: "file-a" });
    await registerTestSinks(bed.db, [olderSink, newerSink]);
    const after = await insertEvent(bed.db, { fileId: "file-b" });

    await runDispatcherOnce(dispatcherOptions(bed.db, [olderSink, newerSink]));
    expect(newer.accepted().map((e) => e.id)).toEqual([after.id]);
    expect(older.accepted()).toHaveLength(2);

    const result = await redeliverEvents(
      bed.db.prisma,
      { since: new Date(Date.now() - 60_000) },
      { sink: newerSink.name, sinks: [olderSink.name, newerSink.name], now: new Date() },
    );
    await runDispatcherOnce(dispatcherOptions(bed.db, [olderSink, newerSink]));

    // The earlier event is backfilled; the later one, already delivered, is replayed.
    expect(result).toMatchObject({ reset: 1, created: 1 });
    expect(
      newer
        .accepted()
        .map((e) => e.id)
        .sort(),
    ).toEqual([after.id, before.id, after.id].sort());
    expect(older.accepted()).toHaveLength(2);
  });

  it("stops recording deliveries for a retired sink", async () => {
    const hook = await receiver();
    hook.answerByDefault({ status: 500 });
    const sink = webhookSinkFor(hook);
    await registerTestSinks(bed.db, [sink]);
    await insertEvent(bed.db, { fileId: "file-a" });

    const retired = await retireSink(bed.db.prisma, sink.name, new Date());
    await insertEvent(bed.db, { fileId: "file-b" });

    expect(retired).toEqual({ found: true, deadDeliveries: 1 });
    const rows = await deliveryRows(bed.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.last_error).toContain("sink retired");
    expect((await runDispatcherOnce(dispatcherOptions(bed.db, [sink]))).claimed).toBe(0);
  });
});
