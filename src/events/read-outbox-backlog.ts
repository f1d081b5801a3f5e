import type { Queryable } from "./queryable.js";
import type { SinkStatus } from "./register-sinks.js";

/** Per registered sink: what waits, what gave up, and how long the oldest has been waiting. */
export interface SinkBacklog {
  sink: string;
  status: SinkStatus;
  /** Deliveries not yet made (due, scheduled for a retry, or in flight). */
  pending: number;
  dead: number;
  /** Seconds since the oldest pending delivery was recorded; null when none is pending. */
  oldestPendingAgeSeconds: number | null;
  pausedUntil: Date | null;
}

/** For the worker's gauges (outbox backlog, oldest pending age) and `events sinks`. */
export async function readOutboxBacklog(db: Queryable, now: Date): Promise<SinkBacklog[]> {
  const { rows } = await db.query<{
    sink: string;
    status: SinkStatus;
    pending: number;
    dead: number;
    oldest_pending_at: Date | null;
    paused_until: Date | null;
  }>(
    `SELECT s.sink, s.status, s.paused_until,
            (SELECT count(*) FROM event_deliveries d
              WHERE d.sink = s.sink AND d.status = 'pending')::int AS pending,
            (SELECT count(*) FROM event_deliveries d
              WHERE d.status = 'dead' AND d.sink = s.sink)::int AS dead,
            (SELECT min(d.created_at) FROM event_deliveries d
              WHERE d.sink = s.sink AND d.status = 'pending') AS oldest_pending_at
       FROM event_sinks s
      ORDER BY s.sink`,
  );
  return rows.map((r) => ({
    sink: r.sink,
    status: r.status,
    pending: r.pending,
    dead: r.dead,
    oldestPendingAgeSeconds:
      r.oldest_pending_at === null
        ? null
        : Math.max(0, (now.getTime() - r.oldest_pending_at.getTime()) / 1000),
    pausedUntil: r.paused_until,
  }));
}
