import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../src/logging/logger.js";
import { minimumEventRetentionMs, pruneOnce } from "../src/retention/index.js";
import { countOutbox, registerSinks, seedEvents } from "./helpers/outbox-seed.js";
import { runCliProcess } from "./helpers/run-cli.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";

const day = 86_400_000;
const now = new Date("2031-06-01T00:00:00.000Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const windowsMs = [day, 3_600_000];

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

beforeEach(async () => {
  await db.query(
    "TRUNCATE events, event_deliveries, event_sinks, sync_runs, event_totals, event_delivery_totals CASCADE",
  );
  await registerSinks(db, ["webhook:a", "nats:b"]);
});

const prune = (options: { eventRetentionMs?: number; dryRun?: boolean } = {}) =>
  pruneOnce({
    prisma: db.prisma,
    eventRetentionMs: options.eventRetentionMs ?? 30 * day,
    runRetentionMs: 90 * day,
    expiryWindowsMs: windowsMs,
    logger: silentLogger,
    dryRun: options.dryRun,
    batchSize: 7,
    now,
  });

describe("outbox retention", () => {
  it("deletes settled events older than the retention with their deliveries and keeps newer ones", async () => {
    await seedEvents(db, { count: 20, at: ago(40 * day), status: "delivered" });
    await seedEvents(db, { count: 5, at: ago(40 * day), status: "dead" });
    const recent = await seedEvents(db, { count: 4, at: ago(10 * day), status: "delivered" });

    const result = await prune();

    expect(result).toMatchObject({ events: 25, deliveries: 50, dryRun: false });
    const left = await db.query<{ id: string }>("SELECT id FROM events ORDER BY id");
    expect(left.map((r) => r.id)).toEqual([...recent].sort());
    expect(await countOutbox(db)).toMatchObject({ deliveries: 8, orphans: 0 });
  });

  it("never deletes an event with a pending delivery, however old and whatever the retention", async () => {
    const stuck = await seedEvents(db, { count: 12, at: ago(400 * day), status: "pending" });
    // One sink delivered, the other still pending: the event waits for the pending one.
    const half = await seedEvents(db, { count: 3, at: ago(400 * day), status: "delivered" });
    await db.query(
      "UPDATE event_deliveries SET status = 'pending' WHERE event_id = ANY($1::uuid[]) AND sink = 'nats:b'",
      [half],
    );
    await seedEvents(db, { count: 9, at: ago(400 * day), status: "dead" });

    const result = await prune({ eventRetentionMs: minimumEventRetentionMs(windowsMs) });

    expect(result.events).toBe(9);
    const left = await db.query<{ id: string }>("SELECT id FROM events");
    expect(new Set(left.map((r) => r.id))).toEqual(new Set([...stuck, ...half]));
    expect(await countOutbox(db)).toEqual({ events: 15, deliveries: 30, pending: 27, orphans: 0 });
  });

  it("refuses a retention below the minimum and names it", async () => {
    await expect(prune({ eventRetentionMs: 2 * day })).rejects.toThrow(
      /EVENT_RETENTION.*minimum 8d/,
    );
  });

  it("counts in a dry run exactly what the real run then deletes, and a second run deletes nothing", async () => {
    await seedEvents(db, { count: 30, at: ago(31 * day), status: "delivered" });
    await seedEvents(db, { count: 3, at: ago(31 * day), status: "pending" });

    const dry = await prune({ dryRun: true });
    expect((await countOutbox(db)).events).toBe(33);
    const real = await prune();
    const again = await prune();

    expect({ events: dry.events, deliveries: dry.deliveries }).toEqual({
      events: 30,
      deliveries: 60,
    });
    expect({ events: real.events, deliveries: real.deliveries }).toEqual({
      events: 30,
      deliveries: 60,
    });
    expect({ events: again.events, deliveries: again.deliveries, runs: again.runs }).toEqual({
      events: 0,
      deliveries: 0,
      runs: 0,
    });
  });

  it("keeps the event and delivery counters when the rows they counted are pruned", async () => {
    await seedEvents(db, { count: 6, at: ago(31 * day), status: "delivered" });
    const totals = "SELECT type, sum(emitted)::int AS n FROM event_totals GROUP BY type";
    expect(await db.query(totals)).toEqual([{ type: "file.updated", n: 6 }]);
    await prune();
    expect((await countOutbox(db)).events).toBe(0);
    expect(await db.query(totals)).toEqual([{ type: "file.updated", n: 6 }]);
    // Compacted: one row per key.
    expect(
      await db.query("SELECT sink, status, reached::int FROM event_delivery_totals ORDER BY sink"),
    ).toEqual([
      { sink: "nats:b", status: "delivered", reached: 6 },
      { sink: "webhook:a", status: "delivered", reached: 6 },
    ]);
  });

  it("prints what it deleted from the prune command, and nothing the second time", async () => {
    await seedEvents(db, { count: 5, at: new Date(Date.now() - 60 * day), status: "dead" });
    const first = await runCliProcess(["prune", "--json"], { DATABASE_URL: db.url });
    const second = await runCliProcess(["prune", "--json"], { DATABASE_URL: db.url });

    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ events: 5, deliveries: 10, dryRun: false });
    expect(JSON.parse(second.stdout)).toMatchObject({ events: 0, deliveries: 0, runs: 0 });
  });
});
