import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EventNotification, eventsChannel } from "../src/db/listen-for-events.js";
import { insertEvent } from "./helpers/events-fixtures.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";
import { waitFor } from "./helpers/wait-for.js";

let db: TestDatabase;
let listener: pg.Client;
const heard: EventNotification[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  listener.on("notification", (message) => {
    if (message.channel === eventsChannel && message.payload !== undefined) {
      heard.push(JSON.parse(message.payload) as EventNotification);
    }
  });
  await listener.query(`LISTEN ${eventsChannel}`);
});

afterAll(async () => {
  await listener?.end();
});

describe("NOTIFY novita_file_events", () => {
  it("tells a LISTEN connection about an event only once its transaction commits, with id, seq, type and file_id", async () => {
    const writer = new pg.Client({ connectionString: db.url });
    await writer.connect();
    try {
      await writer.query("BEGIN");
      const event = await insertEvent(
        { query: async (sql, params) => (await writer.query(sql, params)).rows },
        { type: "file.updated", fileId: "file-n" },
      );
      // A round trip on the listener delivers anything already sent to it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await listener.query("SELECT 1");
      expect(heard).toEqual([]);

      await writer.query("COMMIT");
      await waitFor("the notification", () => heard.length === 1, {
        timeoutMs: 5_000,
        intervalMs: 25,
      });
      expect(heard[0]).toEqual({
        id: event.id,
        seq: event.seq,
        type: "file.updated",
        file_id: "file-n",
      });
    } finally {
      await writer.end();
    }
  });

  it("never tells a listener about an event whose transaction rolled back", async () => {
    heard.length = 0;
    const writer = new pg.Client({ connectionString: db.url });
    await writer.connect();
    try {
      await writer.query("BEGIN");
      await insertEvent({ query: async (sql, params) => (await writer.query(sql, params)).rows });
      await writer.query("ROLLBACK");
      const after = await insertEvent(db, { type: "file.created", fileId: "file-after" });

      await waitFor("the committed event's notification", () => heard.length >= 1, {
        timeoutMs: 5_000,
        intervalMs: 25,
      });
      expect(heard.map((h) => h.id)).toEqual([after.id]);
    } finally {
      await writer.end();
    }
  });
});
