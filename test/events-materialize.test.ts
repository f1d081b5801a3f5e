import { beforeAll, describe, expect, it } from "vitest";
import { registerSinks } from "../src/db/tables/event-sinks.js";
import { insertEvent } from "./helpers/events-fixtures.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

const countsBySink = (rows: { sink: string }[]) =>
  rows.reduce<Record<string, number>>((acc, r) => {
    acc[r.sink] = (acc[r.sink] ?? 0) + 1;
    return acc;
  }, {});

describe("delivery rows written with the events", () => {
  it("gives every event of a set-based CTE insert with ON CONFLICT one row per registered sink, in the same transaction", async () => {
    await registerSinks(db.prisma, ["webhook:a/1", "nats:S"], new Date());
    await db.query(
      `WITH inserted AS (
         INSERT INTO events (type, file_id, data, dedupe_key)
         SELECT 'file.expiring', 'file-' || n, '{}'::jsonb, 'k' || n FROM generate_series(1, 5) n
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id)
       SELECT count(*) FROM inserted`,
    );
    // A second scan racing the first inserts nothing, so records nothing.
    await db.query(
      `INSERT INTO events (type, file_id, data, dedupe_key)
       SELECT 'file.expiring', 'file-' || n, '{}'::jsonb, 'k' || n FROM generate_series(1, 6) n
       ON CONFLICT (dedupe_key) DO NOTHING`,
    );

    const rows = await db.query<{ sink: string; seq: number; file_id: string; status: string }>(
      `SELECT d.sink, d.seq, d.file_id, d.status FROM event_deliveries d
         JOIN events e ON e.id = d.event_id AND e.seq = d.seq AND e.file_id = d.file_id`,
    );
    expect(countsBySink(rows)).toEqual({ "webhook:a/1": 6, "nats:S": 6 });
    expect(rows.every((r) => r.status === "pending")).toBe(true);
  });

  it("records nothing for sinks when none is registered, and nothing for a rolled-back event", async () => {
    const fresh = await createTestDatabase();
    await insertEvent(fresh);
    const client = await fresh.pool.connect();
    try {
      await registerSinks(fresh.prisma, ["webhook:b/2"], new Date());
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO events (type, file_id, data) VALUES ('file.created', 'f', '{}')`,
      );
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect(await fresh.query("SELECT * FROM event_deliveries")).toEqual([]);
  });

  it("records events for a disabled sink as dead, with the reason, so a redelivery can send them later", async () => {
    await db.query(
      "UPDATE event_sinks SET status = 'disabled', reason = 'receiver answered 410 Gone' WHERE sink = 'nats:S'",
    );
    const event = await insertEvent(db, { fileId: "file-late" });

    const rows = await db.query<{ sink: string; status: string; last_error: string | null }>(
      "SELECT sink, status, last_error FROM event_deliveries WHERE event_id = $1 ORDER BY sink",
      [event.id],
    );
    expect(rows).toEqual([
      { sink: "nats:S", status: "dead", last_error: "sink disabled: receiver answered 410 Gone" },
      { sink: "webhook:a/1", status: "pending", last_error: null },
    ]);
  });
});
