import type { OutboxEventRow } from "./cloud-event.js";
import type { Queryable } from "./queryable.js";

export interface EventListFilter {
  /** Event type without prefix, e.g. `file.expiring`. */
  type?: string;
  /** Events that occurred at or after this time. */
  since?: Date;
  /** The most recent this many (default 100). */
  limit?: number;
}

export interface ListedDelivery {
  sink: string;
  status: "pending" | "delivered" | "dead";
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  deliveredAt: string | null;
}

export interface ListedEvent {
  id: string;
  seq: number;
  type: string;
  fileId: string | null;
  occurredAt: Date;
  data: unknown;
  deliveries: ListedDelivery[];
}

/** The most recent events matching the filter, oldest first, each with its deliveries. */
export async function listEvents(db: Queryable, filter: EventListFilter): Promise<ListedEvent[]> {
  const { rows } = await db.query<OutboxEventRow & { deliveries: ListedDelivery[] }>(
    `SELECT e.id, e.seq, e.type, e.file_id, e.occurred_at, e.data,
            coalesce((SELECT json_agg(json_build_object(
                         'sink', d.sink, 'status', d.status, 'attempts', d.attempts,
                         'nextAttemptAt', d.next_attempt_at, 'lastError', d.last_error,
                         'deliveredAt', d.delivered_at) ORDER BY d.sink)
                        FROM event_deliveries d WHERE d.event_id = e.id), '[]') AS deliveries
       FROM (SELECT * FROM events
              WHERE ($1::text IS NULL OR type = $1)
                AND ($2::timestamptz IS NULL OR occurred_at >= $2)
              ORDER BY seq DESC
              LIMIT $3) e
      ORDER BY e.seq`,
    [filter.type ?? null, filter.since ?? null, filter.limit ?? 100],
  );
  return rows.map((r) => ({
    id: r.id,
    seq: Number(r.seq),
    type: r.type,
    fileId: r.file_id,
    occurredAt: r.occurred_at,
    data: r.data,
    deliveries: r.deliveries,
  }));
}
