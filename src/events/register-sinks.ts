import type { Queryable } from "./queryable.js";

export type SinkStatus = "active" | "disabled" | "retired";

export interface SinkRegistration {
  sink: string;
  status: SinkStatus;
  /** Why the sink is disabled or retired. */
  reason: string | null;
  registeredAt: Date;
  /** Registered (or re-activated after retirement) by this call. */
  isNew: boolean;
}

/**
 * Records the sinks this process delivers to. From the moment a sink's registration commits,
 * every event written gets a delivery row for it (the trigger on `events` does that); events
 * written earlier are not delivered to it unless an operator redelivers them. A retired sink that
 * is configured again becomes active; a disabled one (410 Gone) stays disabled until redelivered.
 */
export async function registerSinks(
  db: Queryable,
  sinks: readonly string[],
  now: Date,
): Promise<SinkRegistration[]> {
  const { rows } = await db.query<{
    sink: string;
    status: SinkStatus;
    reason: string | null;
    registered_at: Date;
    is_new: boolean;
  }>(
    `WITH wanted AS (SELECT DISTINCT unnest($1::text[]) AS sink),
          upserted AS (
            INSERT INTO event_sinks (sink, registered_at)
            SELECT sink, $2 FROM wanted
            ON CONFLICT (sink) DO UPDATE
               SET status = 'active', reason = NULL,
                   registered_at = EXCLUDED.registered_at, status_changed_at = EXCLUDED.registered_at
             WHERE event_sinks.status = 'retired'
            RETURNING sink, status, reason, registered_at)
     SELECT sink, status, reason, registered_at, true AS is_new FROM upserted
     UNION ALL
     SELECT s.sink, s.status, s.reason, s.registered_at, false
       FROM event_sinks s JOIN wanted w ON w.sink = s.sink
      WHERE s.sink NOT IN (SELECT sink FROM upserted)`,
    [sinks, now],
  );
  return rows.map((r) => ({
    sink: r.sink,
    status: r.status,
    reason: r.reason,
    registeredAt: r.registered_at,
    isNew: r.is_new,
  }));
}
