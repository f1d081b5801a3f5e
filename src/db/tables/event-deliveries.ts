import type { OutboxEvent } from "../../events/cloud-event.js";
import { type Db, Prisma } from "../prisma.js";
import { listSinks, type SinkStatus } from "./event-sinks.js";

// event_deliveries: one row per event per sink. Claims and outcomes are set-based statements
// (tagged queries: SKIP LOCKED and UPDATE ... FROM unnest have no model API); counts and
// row-level updates use the model API.

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
export async function claimDeliveries(db: Db, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  const { sink, now } = options;
  const rows = await db.$queryRaw<
    {
      id: string;
      seq: bigint;
      type: string;
      fileId: string | null;
      occurredAt: Date;
      data: unknown;
      attempts: number;
    }[]
  >`
    WITH claimable AS (
       SELECT d.event_id
         FROM event_deliveries d
        WHERE d.sink = ${sink}
          AND d.status = 'pending'
          -- Due by the caller's clock or, for a delivery committed a moment ago, by the
          -- database's own: a new delivery is due at its commit (next_attempt_at defaults to
          -- now()), which a clock read in milliseconds, or estimated from the database's, can
          -- put a fraction of a millisecond in the future.
          AND d.next_attempt_at <= greatest(${now}::timestamptz, now())
          AND (d.locked_until IS NULL OR d.locked_until <= ${now}::timestamptz)
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
                         AND (s.paused_until IS NULL OR s.paused_until <= ${now}::timestamptz))
        ORDER BY d.seq
        LIMIT ${options.limit}::int
        FOR UPDATE OF d SKIP LOCKED)
     UPDATE event_deliveries d
        SET locked_by = ${options.dispatcherId}, locked_until = ${options.leaseUntil}::timestamptz
       FROM claimable c, events e
      WHERE d.sink = ${sink} AND d.event_id = c.event_id AND e.id = d.event_id
     RETURNING e.id::text AS id, e.seq, e.type, e.file_id AS "fileId",
               e.occurred_at AS "occurredAt", e.data, d.attempts`;
  return rows
    .map(({ attempts, ...event }) => ({ event: { ...event, seq: Number(event.seq) }, attempts }))
    .sort((a, b) => a.event.seq - b.event.seq);
}

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
  db: Db,
  sink: string,
  dispatcherId: string,
  outcomes: readonly DeliveryOutcome[],
): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const rows = await db.$queryRaw<{ eventId: string }[]>`
    UPDATE event_deliveries d
       SET status = u.status,
           attempts = d.attempts + 1,
           next_attempt_at = coalesce(u.next_attempt_at, d.next_attempt_at),
           last_error = coalesce(u.last_error, d.last_error),
           delivered_at = coalesce(u.delivered_at, d.delivered_at),
           locked_by = NULL,
           locked_until = NULL
      FROM unnest(${outcomes.map((o) => o.eventId)}::uuid[],
                  ${outcomes.map((o) => o.status)}::text[],
                  ${outcomes.map((o) => o.nextAttemptAt)}::timestamptz[],
                  ${outcomes.map((o) => o.lastError)}::text[],
                  ${outcomes.map((o) => o.deliveredAt)}::timestamptz[])
           AS u(event_id, status, next_attempt_at, last_error, delivered_at)
     WHERE d.sink = ${sink} AND d.event_id = u.event_id AND d.locked_by = ${dispatcherId}
    RETURNING d.event_id::text AS "eventId"`;
  return new Set(rows.map((r) => r.eventId));
}

/** Gives claimed deliveries back without counting an attempt (stop, throttling, 410). */
export async function releaseDeliveries(
  db: Db,
  sink: string,
  dispatcherId: string,
  eventIds: readonly string[],
): Promise<void> {
  if (eventIds.length === 0) return;
  await db.eventDelivery.updateMany({
    where: { sink, eventId: { in: [...eventIds] }, lockedBy: dispatcherId },
    data: { lockedBy: null, lockedUntil: null },
  });
}

/** Which events a redelivery is about. */
export type RedeliverySelection =
  | { eventId: string }
  | { dead: true }
  /** Every event that occurred at or after this time. */
  | { since: Date };

/** The selection as a condition on `e` (events) and `d` (deliveries); values stay parameters. */
function selectionCondition(selection: RedeliverySelection): Prisma.Sql {
  if ("eventId" in selection) return Prisma.sql`e.id = ${selection.eventId}::uuid`;
  if ("since" in selection) return Prisma.sql`e.occurred_at >= ${selection.since}::timestamptz`;
  return Prisma.sql`d.status = 'dead'`;
}

/**
 * Sets the selected deliveries of non-retired sinks (only `sink`'s, if given) back to pending,
 * attempts 0, due `now`, lease cleared. Returns the sink of each delivery reset.
 */
export async function resetDeliveries(
  db: Db,
  selection: RedeliverySelection,
  options: { sink: string | null; now: Date },
): Promise<string[]> {
  const rows = await db.$queryRaw<{ sink: string }[]>`
    UPDATE event_deliveries d
       SET status = 'pending', attempts = 0, next_attempt_at = ${options.now}::timestamptz,
           delivered_at = NULL, locked_by = NULL, locked_until = NULL
      FROM events e, event_sinks s
     WHERE e.id = d.event_id AND s.sink = d.sink AND s.status <> 'retired'
       AND (${options.sink}::text IS NULL OR d.sink = ${options.sink}::text)
       AND ${selectionCondition(selection)}
    RETURNING d.sink`;
  return rows.map((r) => r.sink);
}

/**
 * Creates the missing delivery rows of the selected events for the given (non-retired) sinks:
 * events written before a sink was registered. Returns the sink of each row created.
 */
export async function createMissingDeliveries(
  db: Db,
  selection: { eventId: string } | { since: Date },
  sinks: readonly string[],
  now: Date,
): Promise<string[]> {
  const rows = await db.$queryRaw<{ sink: string }[]>`
    INSERT INTO event_deliveries (event_id, sink, seq, file_id, next_attempt_at)
    SELECT e.id, s.sink, e.seq, e.file_id, ${now}::timestamptz
      FROM events e
     CROSS JOIN event_sinks s
     WHERE s.sink = ANY(${[...sinks]}::text[]) AND s.status <> 'retired'
       AND ${selectionCondition(selection)}
    ON CONFLICT DO NOTHING
    RETURNING sink`;
  return rows.map((r) => r.sink);
}

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

/** For `events sinks`: every registered sink with its pending and dead deliveries. */
export async function readOutboxBacklog(db: Db, now: Date): Promise<SinkBacklog[]> {
  const [sinks, groups] = await Promise.all([
    listSinks(db),
    db.eventDelivery.groupBy({
      by: ["sink", "status"],
      where: { status: { in: ["pending", "dead"] } },
      _count: { _all: true },
      _min: { createdAt: true },
    }),
  ]);
  const group = (sink: string, status: string) =>
    groups.find((g) => g.sink === sink && g.status === status);
  return sinks.map((s) => {
    const pending = group(s.sink, "pending");
    const oldest = pending?._min.createdAt ?? null;
    return {
      sink: s.sink,
      status: s.status,
      pending: pending?._count._all ?? 0,
      dead: group(s.sink, "dead")?._count._all ?? 0,
      oldestPendingAgeSeconds:
        oldest === null ? null : Math.max(0, (now.getTime() - oldest.getTime()) / 1000),
      pausedUntil: s.pausedUntil,
    };
  });
}

/** Deliveries not yet made, and the age in seconds of the oldest one's event (0 when none). */
export async function readPendingDeliveries(
  db: Db,
): Promise<{ pending: number; oldestEventAgeSeconds: number }> {
  const [row] = await db.$queryRaw<{ pending: bigint; age: number }[]>`
    SELECT count(*) AS pending,
           coalesce(extract(epoch FROM now() - min(e.occurred_at)), 0)::float8 AS age
      FROM event_deliveries d JOIN events e ON e.id = d.event_id WHERE d.status = 'pending'`;
  return { pending: Number(row?.pending ?? 0), oldestEventAgeSeconds: row?.age ?? 0 };
}

/** Pending deliveries by sink: bounded by the backlog (read through the pending partial index). */
export async function countPendingDeliveriesBySink(
  db: Db,
): Promise<{ sink: string; count: number }[]> {
  const groups = await db.eventDelivery.groupBy({
    by: ["sink"],
    where: { status: "pending" },
    _count: { _all: true },
  });
  return groups.map((g) => ({ sink: g.sink, count: g._count._all }));
}
