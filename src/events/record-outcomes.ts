import type { Queryable } from "./queryable.js";

/** The state a delivery is left in after an attempt. */
export interface DeliveryOutcome {
  eventId: string;
  status: "pending" | "delivered" | "dead";
  /** For `pending`: when to try again. */
  nextAttemptAt: Date | null;
  /** Null keeps the previous last_error (a success does not erase the history of failures). */
  lastError: string | null;
  deliveredAt: Date | null;
}

/**
 * Writes the outcome of one attempt per delivery and releases the lease, in one statement. Only
 * rows this dispatcher still holds are written: if the lease expired and another dispatcher took
 * the delivery over, its outcome wins. Returns the ids written.
 */
export async function recordOutcomes(
  db: Queryable,
  sink: string,
  dispatcherId: string,
  outcomes: readonly DeliveryOutcome[],
): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const { rows } = await db.query<{ event_id: string }>(
    `UPDATE event_deliveries d
        SET status = u.status,
            attempts = d.attempts + 1,
            next_attempt_at = coalesce(u.next_attempt_at, d.next_attempt_at),
            last_error = coalesce(u.last_error, d.last_error),
            delivered_at = coalesce(u.delivered_at, d.delivered_at),
            locked_by = NULL,
            locked_until = NULL
       FROM unnest($3::uuid[], $4::text[], $5::timestamptz[], $6::text[], $7::timestamptz[])
            AS u(event_id, status, next_attempt_at, last_error, delivered_at)
      WHERE d.sink = $1 AND d.event_id = u.event_id AND d.locked_by = $2
     RETURNING d.event_id`,
    [
      sink,
      dispatcherId,
      outcomes.map((o) => o.eventId),
      outcomes.map((o) => o.status),
      outcomes.map((o) => o.nextAttemptAt),
      outcomes.map((o) => o.lastError),
      outcomes.map((o) => o.deliveredAt),
    ],
  );
  return new Set(rows.map((r) => r.event_id));
}

/** Gives claimed deliveries back without counting an attempt (stop, throttling, 410). */
export async function releaseDeliveries(
  db: Queryable,
  sink: string,
  dispatcherId: string,
  eventIds: readonly string[],
): Promise<void> {
  if (eventIds.length === 0) return;
  await db.query(
    `UPDATE event_deliveries
        SET locked_by = NULL, locked_until = NULL
      WHERE sink = $1 AND event_id = ANY($3::uuid[]) AND locked_by = $2`,
    [sink, dispatcherId, eventIds],
  );
}
