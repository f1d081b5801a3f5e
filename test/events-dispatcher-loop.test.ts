import { afterEach, describe, expect, it } from "vitest";
import { readOutboxBacklog } from "../src/db/tables/event-deliveries.js";
import { type DispatcherHandle, startDispatcher } from "../src/events/dispatcher.js";
import type { DeliveryReport } from "../src/events/report-outcomes.js";
import { makeLogger } from "../src/logging/logger.js";
import {
  deliveryRows,
  dispatcherOptions,
  insertEvent,
  registerTestSinks,
  useDeliveryTestBed,
  webhookSinkFor,
} from "./helpers/events-fixtures.js";
import { waitFor } from "./helpers/wait-for.js";

const bed = useDeliveryTestBed();
const receiver = bed.receiver;

const dispatchers: DispatcherHandle[] = [];

afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.stop({ force: true });
});

async function start(...args: Parameters<typeof dispatcherOptions>) {
  const handle = await startDispatcher({
    ...dispatcherOptions(...args),
    listenPool: args[0].pool,
    pollIntervalMs: 60_000,
  });
  dispatchers.push(handle);
  return handle;
}

describe("the dispatcher loop", () => {
  it("registers its sinks, wakes on NOTIFY without waiting for the poll, and reports each delivery", async () => {
    const hook = await receiver();
    const sink = webhookSinkFor(hook);
    const reports: DeliveryReport[] = [];
    await start(bed.db, [sink], { onDelivery: (r) => reports.push(r) });
    await new Promise((resolve) => setTimeout(resolve, 200)); // let LISTEN start

    const event = await insertEvent(bed.db, { type: "file.expired" });

    await waitFor("the event to arrive", () => hook.accepted().length === 1, {
      timeoutMs: 5_000,
      intervalMs: 25,
    });
    await waitFor("the outcome to be recorded", () => reports.length === 1, {
      timeoutMs: 5_000,
      intervalMs: 25,
    });
    expect(reports[0]).toMatchObject({
      sink: sink.name,
      eventId: event.id,
      eventType: "file.expired",
      outcome: "delivered",
      attempt: 1,
    });
  });

  it("finishes a delivery in flight on stop and records it", async () => {
    const hook = await receiver();
    hook.answerByDefault({ status: 200, delayMs: 600 });
    const sink = webhookSinkFor(hook);
    const dispatcher = await start(bed.db, [sink]);
    await insertEvent(bed.db);
    await waitFor("the request to start", () => hook.requests.length === 1, {
      timeoutMs: 5_000,
      intervalMs: 25,
    });

    await dispatcher.stop();

    expect(await deliveryRows(bed.db)).toMatchObject([{ status: "delivered", attempts: 1 }]);
  });

  it("on a forced stop releases the delivery in flight without counting an attempt", async () => {
    const hook = await receiver();
    hook.answerByDefault({ status: 200, delayMs: 5_000 });
    const sink = webhookSinkFor(hook, { timeoutMs: 10_000 });
    const dispatcher = await start(bed.db, [sink]);
    await insertEvent(bed.db);
    await waitFor("the request to start", () => hook.requests.length === 1, {
      timeoutMs: 5_000,
      intervalMs: 25,
    });

    const stopping = Date.now();
    await dispatcher.stop({ force: true });

    expect(Date.now() - stopping).toBeLessThan(2_000);
    const [row] = await bed.db.query<{
      status: string;
      attempts: number;
      locked_by: string | null;
    }>("SELECT status, attempts, locked_by FROM event_deliveries");
    expect(row).toEqual({ status: "pending", attempts: 0, locked_by: null });
  });

  it("keeps running through a database error, logs it, and delivers once it is gone", async () => {
    const hook = await receiver();
    const sink = webhookSinkFor(hook);
    const lines: string[] = [];
    const logger = makeLogger({ level: "warn", destination: { write: (l) => lines.push(l) } });
    const dispatcher = await start(bed.db, [sink], { logger });
    await bed.db.query("ALTER TABLE events RENAME TO events_away");
    try {
      dispatcher.wake();
      await waitFor("a failed round", () => lines.some((l) => l.includes("round failed")), {
        timeoutMs: 5_000,
        intervalMs: 25,
      });
    } finally {
      await bed.db.query("ALTER TABLE events_away RENAME TO events");
    }
    await insertEvent(bed.db);

    await waitFor("the event to arrive after the error", () => hook.accepted().length === 1, {
      timeoutMs: 8_000,
      intervalMs: 25,
    });
  });

  it("reports the backlog and the oldest pending age per sink", async () => {
    const broken = await receiver();
    const fine = await receiver();
    broken.answerByDefault({ status: 500 });
    const brokenSink = webhookSinkFor(broken);
    const fineSink = webhookSinkFor(fine);
    await registerTestSinks(bed.db, [brokenSink, fineSink]);
    await insertEvent(bed.db, { fileId: "file-a" });
    await insertEvent(bed.db, { fileId: "file-b" });
    await bed.db.query("UPDATE event_deliveries SET created_at = now() - interval '10 minutes'");
    await start(bed.db, [brokenSink, fineSink]);
    const recorded = async () =>
      (await bed.db.query("SELECT 1 FROM event_deliveries WHERE attempts = 0")).length === 0;
    await waitFor("every delivery to be attempted", recorded, { timeoutMs: 5_000, intervalMs: 25 });

    const backlog = await readOutboxBacklog(bed.db.prisma, new Date());

    const bySink = Object.fromEntries(backlog.map((b) => [b.sink, b]));
    expect(bySink[fineSink.name]).toMatchObject({
      pending: 0,
      dead: 0,
      oldestPendingAgeSeconds: null,
    });
    expect(bySink[brokenSink.name]).toMatchObject({ status: "active", pending: 2, dead: 0 });
    expect(bySink[brokenSink.name]?.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(599);
  });
});
