import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeNatsSink } from "../src/events/nats-sink.js";
import { redeliverEvents } from "../src/events/operator-actions.js";
import { silentLogger } from "../src/logging/logger.js";
import {
  deliveryRows,
  dispatcherOptions,
  insertEvent,
  registerTestSinks,
  webhookSinkFor,
} from "./helpers/events-fixtures.js";
import {
  type NatsTestClient,
  natsSuiteTitle,
  natsTestUrl,
  openNatsTestClient,
  requireNats,
  skipNats,
  uniqueNatsNames,
} from "./helpers/nats-test-server.js";
import { runDispatcherOnce } from "./helpers/run-dispatcher-once.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";
import { startWebhookReceiver } from "./helpers/webhook-receiver.js";

describe.skipIf(skipNats)(natsSuiteTitle("NATS JetStream delivery"), () => {
  let db: TestDatabase;
  let nats: NatsTestClient;
  const streams: string[] = [];

  beforeAll(async () => {
    requireNats();
    db = await createTestDatabase();
    nats = await openNatsTestClient();
  });

  afterEach(async () => {
    for (const stream of streams.splice(0)) {
      await nats.manager.streams.delete(stream).catch(() => {});
    }
    await db.query("TRUNCATE events, event_deliveries, event_sinks");
  });

  afterAll(async () => {
    await nats?.close();
  });

  function natsSink(names: { stream: string; subjectPrefix: string }) {
    streams.push(names.stream);
    return makeNatsSink({ url: natsTestUrl, ...names, timeoutMs: 3_000, logger: silentLogger });
  }

  it("creates the missing stream and publishes the CloudEvent to <prefix>.<type> with the event id as Nats-Msg-Id, alongside a webhook", async () => {
    const names = uniqueNatsNames();
    const sink = natsSink(names);
    const hook = await startWebhookReceiver();
    const webhook = webhookSinkFor(hook);
    try {
      await registerTestSinks(db, [sink, webhook]);
      const event = await insertEvent(db, {
        type: "file.disappeared",
        fileId: "file-9",
        data: { filename: "train.jsonl" },
      });

      const round = await runDispatcherOnce(dispatcherOptions(db, [sink, webhook]));

      expect(round.delivered).toBe(2);
      const info = await nats.manager.streams.info(names.stream);
      expect(info.config.subjects).toEqual([`${names.subjectPrefix}.>`]);
      const [message] = await nats.readStream(names.stream);
      expect(message?.subject).toBe(`${names.subjectPrefix}.file.disappeared`);
      expect(message?.msgId).toBe(event.id);
      expect(message?.body).toEqual(hook.accepted()[0]);
      expect(message?.body).toMatchObject({
        specversion: "1.0",
        id: event.id,
        type: "ai.novita.filesync.file.disappeared",
        subject: "file-9",
        seq: event.seq,
        data: { filename: "train.jsonl" },
      });
      expect((await deliveryRows(db)).map((r) => r.status)).toEqual(["delivered", "delivered"]);
    } finally {
      await sink.close();
      await hook.close();
    }
  });

  it("publishes a file's events in seq order, and JetStream drops a redelivery within the duplicate window", async () => {
    const names = uniqueNatsNames();
    const sink = natsSink(names);
    try {
      await registerTestSinks(db, [sink]);
      const first = await insertEvent(db, { fileId: "file-1", type: "file.created" });
      const second = await insertEvent(db, { fileId: "file-1", type: "file.updated" });
      await runDispatcherOnce(dispatcherOptions(db, [sink]));
      await runDispatcherOnce(dispatcherOptions(db, [sink]));

      await redeliverEvents(db.prisma, { eventId: first.id }, { now: new Date() });
      const again = await runDispatcherOnce(dispatcherOptions(db, [sink]));

      expect(again.delivered).toBe(1);
      const messages = await nats.readStream(names.stream);
      expect(messages.map((m) => m.msgId)).toEqual([first.id, second.id]);
    } finally {
      await sink.close();
    }
  });

  it("refuses an existing stream that does not capture the subjects, recording why", async () => {
    const names = uniqueNatsNames();
    streams.push(names.stream);
    await nats.manager.streams.add({ name: names.stream, subjects: ["elsewhere.>"] });
    const sink = natsSink(names);
    try {
      await registerTestSinks(db, [sink]);
      await insertEvent(db);

      const round = await runDispatcherOnce(dispatcherOptions(db, [sink]));

      expect(round.failed).toBe(1);
      const [row] = await deliveryRows(db);
      expect(row?.last_error).toContain(`does not capture ${names.subjectPrefix}.>`);
    } finally {
      await sink.close();
    }
  });

  it("keeps retrying (never dead) while NATS is unreachable", async () => {
    const sink = makeNatsSink({
      url: "nats://127.0.0.1:1",
      ...uniqueNatsNames(),
      timeoutMs: 500,
      logger: silentLogger,
    });
    try {
      await registerTestSinks(db, [sink]);
      await insertEvent(db);

      const round = await runDispatcherOnce(dispatcherOptions(db, [sink]));

      expect(round.failed).toBe(1);
      expect(sink.maxAttempts).toBeUndefined();
      const [row] = await deliveryRows(db);
      expect(row).toMatchObject({ status: "pending", attempts: 1 });
      expect(row?.last_error).not.toContain("nats://");
    } finally {
      await sink.close();
    }
  });
});
