import type { TestDatabase } from "./test-database.js";

/** Registers sinks, so that every event written afterwards gets one delivery per sink. */
export async function registerSinks(db: TestDatabase, sinks: string[]): Promise<void> {
  await db.query(
    "INSERT INTO event_sinks (sink) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
    [sinks],
  );
}

/**
 * Writes `count` `file.updated` events that occurred at `at` (one statement), and sets their
 * deliveries to `status`. Returns the events' ids.
 */
export async function seedEvents(
  db: TestDatabase,
  options: { count: number; at: Date; status: "pending" | "delivered" | "dead"; runId?: number },
): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO events (type, file_id, occurred_at, data, sync_run_id)
     SELECT 'file.updated', 'file-' || g, $2, '{}', $3 FROM generate_series(1, $1) g
     RETURNING id`,
    [options.count, options.at, options.runId ?? null],
  );
  const ids = rows.map((r) => r.id);
  if (options.status !== "pending") {
    await db.query("UPDATE event_deliveries SET status = $2 WHERE event_id = ANY($1::uuid[])", [
      ids,
      options.status,
    ]);
  }
  return ids;
}

/** Counts rows of the outbox tables, and pending deliveries. */
export async function countOutbox(
  db: TestDatabase,
): Promise<{ events: number; deliveries: number; pending: number; orphans: number }> {
  const [row] = await db.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM events) AS events,
            (SELECT count(*) FROM event_deliveries) AS deliveries,
            (SELECT count(*) FROM event_deliveries WHERE status = 'pending') AS pending,
            (SELECT count(*) FROM event_deliveries d
              WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = d.event_id)) AS orphans`,
  );
  return {
    events: Number(row!.events),
    deliveries: Number(row!.deliveries),
    pending: Number(row!.pending),
    orphans: Number(row!.orphans),
  };
}
