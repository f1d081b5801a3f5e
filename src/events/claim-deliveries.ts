import type { OutboxEvent, OutboxEventRow } from "./cloud-event.js";
import type { Queryable } from "./queryable.js";

export interface ClaimedDelivery {
  event: OutboxEvent;
  /** Attempts made before this one. */
  attempts: number;
}

export interface ClaimOptions {
  sink: string;
  dispatcherId: string;
  limit: number;
  now: Date;
  leaseUntil: Date;
}

/**
 * Leases up to `limit` due deliveries of one sink, oldest seq first, to this dispatcher. Only the
 * earliest pending delivery of each file qualifies: while an earlier event of a file is pending on
 * this sink (waiting for a retry, or in flight elsewhere), later events of that file wait; other
 * files and other sinks do not. `SKIP LOCKED` lets replicas claim side by side; the lease
 * (locked_until) outlives this statement, and once it expires a crashed dispatcher's claims are
 * claimable again. Events without a file are ordered among themselves. Nothing is claimed for a
 * sink that is disabled, retired or paused (429).
 */
export async function claimDeliveries(
  db: Queryable,
  options: ClaimOptions,
): Promise<ClaimedDelivery[]> {
  const { rows } = await db.query<OutboxEventRow & { attempts: number }>(
    `WITH claimable AS (
       SELECT d.event_id
         FROM event_deliveries d
        WHERE d.sink = $1
          AND d.status = 'pending'
          AND d.next_attempt_at <= $2
          AND (d.locked_until IS NULL OR d.locked_until <= $2)
          AND NOT EXISTS (
                SELECT 1 FROM event_deliveries p
                 WHERE p.sink = d.sink AND p.status = 'pending'
                   AND p.file_id = d.file_id AND p.seq < d.seq)
          AND (d.file_id IS NOT NULL OR NOT EXISTS (
                SELECT 1 FROM event_deliveries p
                 WHERE p.sink = d.sink AND p.status = 'pending'
                   AND p.file_id IS NULL AND p.seq < d.seq))
          AND EXISTS (SELECT 1 FROM event_sinks s
                       WHERE s.sink = d.sink AND s.status = 'active'
                         AND (s.paused_until IS NULL OR s.paused_until <= $2))
        ORDER BY d.seq
        LIMIT $3
        FOR UPDATE OF d SKIP LOCKED)
     UPDATE event_deliveries d
        SET locked_by = $4, locked_until = $5
       FROM claimable c, events e
      WHERE d.sink = $1 AND d.event_id = c.event_id AND e.id = d.event_id
     RETURNING e.id, e.seq, e.type, e.file_id, e.occurred_at, e.data, d.attempts`,
    [options.sink, options.now, options.limit, options.dispatcherId, options.leaseUntil],
  );
  return rows
    .map((r) => ({
      event: {
        id: r.id,
        seq: Number(r.seq),
        type: r.type,
        fileId: r.file_id,
        occurredAt: r.occurred_at,
        data: r.data,
      },
      attempts: r.attempts,
    }))
    .sort((a, b) => a.event.seq - b.event.seq);
}
