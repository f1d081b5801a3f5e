import { describe, expect, it } from "vitest";
import { webhookSinkName } from "../src/events/sinks.js";
import {
  backdateRetries,
  deliveryRows,
  dispatcherOptions,
  insertEvent,
  registerTestSinks,
  useDeliveryTestBed,
  webhookSinkFor,
} from "./helpers/events-fixtures.js";
import { runDispatcherOnce } from "./helpers/run-dispatcher-once.js";

const bed = useDeliveryTestBed();
const receiver = bed.receiver;

describe("webhook delivery", () => {
  it("posts a signed CloudEvents 1.0 envelope that a Standard Webhooks consumer verifies", async () => {
    const hook = await receiver();
    const sink = webhookSinkFor(hook);
    await registerTestSinks(bed.db, [sink]);
    const event = await insertEvent(bed.db, {
      type: "file.expiring",
      fileId: "file-123",
      data: { expiresAt: "2026-12-01T00:00:00.000Z", window: "24h" },
    });

    const summary = await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));

    expect(summary.delivered).toBe(1);
    const [request] = hook.requests;
    expect(request?.verified).toBe(true);
    expect(request?.headers["content-type"]).toBe("application/cloudevents+json");
    expect(request?.headers["webhook-id"]).toBe(event.id);
    expect(request?.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(request?.event).toEqual({
      specversion: "1.0",
      id: event.id,
      source: "urn:novita-file-sync:test",
      type: "ai.novita.filesync.file.expiring",
      subject: "file-123",
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      datacontenttype: "application/json",
      seq: event.seq,
      data: { expiresAt: "2026-12-01T00:00:00.000Z", window: "24h" },
    });
    const [row] = await deliveryRows(bed.db);
    expect(row).toMatchObject({ status: "delivered", attempts: 1, sink: sink.name });
    expect(row?.delivered_at).toBeInstanceOf(Date);
  });

  it("stores a sink name that keeps the URL's path, query and credentials out", async () => {
    const name = webhookSinkName("https://user:pa55@hooks.example.com:8443/in/t0ken?key=s3cret");
    expect(name).toMatch(/^webhook:hooks\.example\.com:8443\/[0-9a-f]{12}$/);
    expect(name).not.toMatch(/pa55|t0ken|s3cret|user/);
  });

  it("retries after a 500 on the schedule (about 5 s) and delivers on the next attempt", async () => {
    const hook = await receiver();
    hook.answerNext({ status: 500 });
    const sink = webhookSinkFor(hook);
    await registerTestSinks(bed.db, [sink]);
    await insertEvent(bed.db);

    const before = Date.now();
    const first = await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));
    expect(first.failed).toBe(1);
    const [failed] = await deliveryRows(bed.db);
    expect(failed).toMatchObject({ status: "pending", attempts: 1, last_error: "HTTP 500" });
    const wait = (failed?.next_attempt_at.getTime() ?? 0) - before;
    expect(wait).toBeGreaterThanOrEqual(3_900);
    expect(wait).toBeLessThanOrEqual(6_500);

    expect((await runDispatcherOnce(dispatcherOptions(bed.db, [sink]))).claimed).toBe(0);
    await backdateRetries(bed.db);
    const second = await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));
    expect(second.delivered).toBe(1);
    expect(await deliveryRows(bed.db)).toMatchObject([{ status: "delivered", attempts: 2 }]);
    expect(hook.accepted()).toHaveLength(1);
  });

  it("honours 429 with Retry-After: waits that long and pauses the whole URL meanwhile", async () => {
    const hook = await receiver();
    hook.answerNext({ status: 429, headers: { "retry-after": "120" } });
    const sink = webhookSinkFor(hook, { concurrency: 1 });
    await registerTestSinks(bed.db, [sink]);
    await insertEvent(bed.db, { fileId: "file-a" });
    await insertEvent(bed.db, { fileId: "file-b" });
    await insertEvent(bed.db, { fileId: "file-c" });

    const before = Date.now();
    const round = await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));
    expect(round).toMatchObject({ claimed: 3, failed: 1, released: 2 });
    expect(hook.requests).toHaveLength(1);
    const rows = await deliveryRows(bed.db);
    expect(rows.map((r) => r.attempts)).toEqual([1, 0, 0]);
    expect(rows[0]?.last_error).toBe("HTTP 429 Too Many Requests");
    expect((rows[0]?.next_attempt_at.getTime() ?? 0) - before).toBeGreaterThanOrEqual(119_000);
    const [paused] = await bed.db.query<{ paused_until: Date }>(
      "SELECT paused_until FROM event_sinks",
    );
    expect((paused?.paused_until.getTime() ?? 0) - before).toBeGreaterThanOrEqual(119_000);

    // Paused: not even the two untouched deliveries go out.
    expect((await runDispatcherOnce(dispatcherOptions(bed.db, [sink]))).claimed).toBe(0);
    await backdateRetries(bed.db);
    const after = await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));
    expect(after.delivered).toBe(3);
  });

  it("treats a 3xx as a failed attempt and does not follow the redirect", async () => {
    const elsewhere = await receiver();
    const hook = await receiver();
    hook.answerNext({ status: 302, headers: { location: elsewhere.url } });
    const sink = webhookSinkFor(hook);
    await registerTestSinks(bed.db, [sink]);
    await insertEvent(bed.db);

    const round = await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));

    expect(round.failed).toBe(1);
    expect(elsewhere.requests).toHaveLength(0);
    const [row] = await deliveryRows(bed.db);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row?.last_error).toContain("HTTP 302 redirect not followed");
  });

  it("stops a URL that answers 410 Gone: its pending deliveries and later events are dead, others go on", async () => {
    const gone = await receiver();
    const healthy = await receiver();
    gone.answerByDefault({ status: 410 });
    const goneSink = webhookSinkFor(gone, { concurrency: 1 });
    const healthySink = webhookSinkFor(healthy);
    await registerTestSinks(bed.db, [goneSink, healthySink]);
    await insertEvent(bed.db, { fileId: "file-a" });
    await insertEvent(bed.db, { fileId: "file-b" });

    const round = await runDispatcherOnce(dispatcherOptions(bed.db, [goneSink, healthySink]));

    expect(round.sinks.find((s) => s.sink === goneSink.name)).toMatchObject({
      disabled: true,
      dead: 1,
    });
    expect(gone.requests).toHaveLength(1);
    expect(healthy.accepted()).toHaveLength(2);
    const [sinkRow] = await bed.db.query<{ status: string; reason: string }>(
      "SELECT status, reason FROM event_sinks WHERE sink = $1",
      [goneSink.name],
    );
    expect(sinkRow?.status).toBe("disabled");
    expect(sinkRow?.reason).toContain("410 Gone");

    await insertEvent(bed.db, { fileId: "file-c" });
    await runDispatcherOnce(dispatcherOptions(bed.db, [goneSink, healthySink]));
    expect(gone.requests).toHaveLength(1);
    const goneRows = await deliveryRows(bed.db, goneSink.name);
    expect(goneRows.map((r) => r.status)).toEqual(["dead", "dead", "dead"]);
    expect(goneRows[0]?.last_error).toBe("HTTP 410 Gone");
    expect(goneRows[2]?.last_error).toContain("sink disabled");
    expect(healthy.accepted()).toHaveLength(3);
  });

  it("counts a receiver that does not answer within the timeout as a failed attempt", async () => {
    const hook = await receiver();
    hook.answerNext({ status: 200, delayMs: 2_000 });
    const sink = webhookSinkFor(hook, { timeoutMs: 300 });
    await registerTestSinks(bed.db, [sink]);
    await insertEvent(bed.db);

    const round = await runDispatcherOnce(dispatcherOptions(bed.db, [sink]));

    expect(round.failed).toBe(1);
    expect((await deliveryRows(bed.db))[0]?.last_error).toBe("no answer within 300 ms");
  });
});
