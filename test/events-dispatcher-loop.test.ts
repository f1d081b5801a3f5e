import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryReport } from "../src/events/delivery-report.js";
import { readOutboxBacklog } from "../src/events/read-outbox-backlog.js";
import { type DispatcherHandle, startDispatcher } from "../src/events/start-dispatcher.js";
import { makeLogger } from "../src/logging/logger.js";
import {
  deliveryRows,
  dispatcherOptions,
  insertEvent,
  registerTestSinks,
  webhookSinkFor,
} from "./helpers/events-fixtures.js";
import { waitFor } from "./helpers/events-wait-for.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

let db: TestDatabase;
const receivers: WebhookReceiver[] = [];
const dispatchers: DispatcherHandle[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});

afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.stop({ force: true });
  for (const receiver of receivers.splice(0)) await receiver.close();
  await db.query("TRUNCATE events, event_deliveries, event_sinks");
});

async function receiver() {
  const started = await startWebhookReceiver();
  receivers.push(started);
  return started;
}

async function start(...args: Parameters<typeof dispatcherOptions>) {
  const handle = await startDispatcher({ ...dispatcherOptions(...args), pollIntervalMs: 60_000 });
  dispatchers.push(handle);
  return handle;
}

describe("the dispatcher loop", () => {
  it("registers its sinks, wakes on NOTIFY without waiting for the poll, and reports each delivery", async () => {
    const hook = await receiver();
    const sink = webhookSinkFor(hook);
    const reports: DeliveryReport[] = [];
    await start(db, [sink], { onDelivery: (r) => reports.push(r) });
    await new Promise((resolve) => setTimeout(resolve, 200)); // let LISTEN start

    const event = await insertEvent(db, { type: "file.expired" });

    await waitFor("the event to arrive", () => hook.accepted().length === 1, 5_000);
    await waitFor("the outcome to be recorded", () => reports.length === 1, 5_000);
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
    const dispatcher = await start(db, [sink]);
    await insertEvent(db);
    await waitFor("the request to start", () => hook.requests.length === 1, 5_000);

    await dispatcher.stop();

    expect(await deliveryRows(db)).toMatchObject([{ status: "delivered", attempts: 1 }]);
  });

  it("on a forced stop releases the delivery in flight without counting an attempt", async () => {
    const hook = await receiver();
    hook.answerByDefault({ status: 200, delayMs: 5_000 });
    const sink = webhookSinkFor(hook, { timeoutMs: 10_000 });
    const dispatcher = await start(db, [sink]);
    await insertEvent(db);
    await waitFor("the request to start", () => hook.requests.length === 1, 5_000);

    const stopping = Date.now();
    await dispatcher.stop({ force: true });

    expect(Date.now() - stopping).toBeLessThan(2_000);
    const [row] = await db.query<{ status: string; attempts: number; locked_by: string | null }>(
      "SELECT status, attempts, locked_by FROM event_deliveries",
    );
    expect(row).toEqual({ status: "pending", attempts: 0, locked_by: null });
  });

  it("keeps running through a database error, logs it, and delivers once it is gone", async () => {
    const hook = await receiver();
    const sink = webhookSinkFor(hook);
    const lines: string[] = [];
    const logger = makeLogger({ level: "warn", destination: { write: (l) => lines.push(l) } });
    const dispatcher = await start(db, [sink], { logger });
    await db.query("ALTER TABLE events RENAME TO events_away");
    try {
      dispatcher.wake();
      await waitFor("a failed round", () => lines.some((l) => l.includes("round failed")), 5_000);
    } finally {
      await db.query("ALTER TABLE events_away RENAME TO events");
    }
    await insertEvent(db);

    await waitFor("the event to arrive after the error", () => hook.accepted().length === 1, 8_000);
  });

  it("reports the backlog and the oldest pending age per sink", async () => {
    const broken = await receiver();
    const fine = await receiver();
    broken.answerByDefault({ status: 500 });
    const brokenSink = webhookSinkFor(broken);
    const fineSink = webhookSinkFor(fine);
    await registerTestSinks(db, [brokenSink, fineSink]);
    await insertEvent(db, { fileId: "file-a" });
    await insertEvent(db, { fileId: "file-b" });
    await db.query("UPDATE event_deliveries SET created_at = now() - interval '10 minutes'");
    await start(db, [brokenSink, fineSink]);
    const recorded = async () =>
      (await db.query("SELECT 1 FROM event_deliveries WHERE attempts = 0")).length === 0;
    await waitFor("every delivery to be attempted", recorded, 5_000);

    const backlog = await readOutboxBacklog(db.pool, new Date());

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
