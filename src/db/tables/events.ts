import type { OutboxEvent } from "../../events/cloud-event.js";
import type { Db } from "../prisma.js";

// events: the outbox. The sync writes its events inside its own transaction (src/sync/, issue 15
// phase 2); the expiry scan's insert is here; listing for operators uses the model API.

/** The events listing's filter. */
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

export interface ListedEvent extends OutboxEvent {
  deliveries: ListedDelivery[];
}

/** The most recent events matching the filter, oldest first, each with its deliveries. */
export async function listEvents(db: Db, filter: EventListFilter): Promise<ListedEvent[]> {
  const events = await db.event.findMany({
    where: {
      ...(filter.type === undefined ? {} : { type: filter.type }),
      ...(filter.since === undefined ? {} : { occurredAt: { gte: filter.since } }),
    },
    orderBy: { seq: "desc" },
    take: filter.limit ?? 100,
    include: { deliveries: { orderBy: { sink: "asc" } } },
  });
  return events.reverse().map((e) => ({
    id: e.id,
    seq: Number(e.seq),
    type: e.type,
    fileId: e.fileId,
    occurredAt: e.occurredAt,
    data: e.data,
    deliveries: e.deliveries.map((d) => ({
      sink: d.sink,
      status: d.status as ListedDelivery["status"],
      attempts: d.attempts,
      nextAttemptAt: d.nextAttemptAt.toISOString(),
      lastError: d.lastError,
      deliveredAt: d.deliveredAt?.toISOString() ?? null,
    })),
  }));
}

/** Whether an event with this id exists. */
export async function eventExists(db: Db, id: string): Promise<boolean> {
  return (await db.event.findUnique({ where: { id }, select: { id: true } })) !== null;
}

/** Events in the outbox by type (the events gauge). */
export async function countEventsByType(db: Db): Promise<{ type: string; count: number }[]> {
  const groups = await db.event.groupBy({ by: ["type"], _count: { _all: true } });
  return groups.map((g) => ({ type: g.type, count: g._count._all }));
}

export interface DueExpiryEventsParams {
  /** The scan's clock; null means the database's now(). */
  now: Date | null;
  windows: readonly { ms: number; label: string }[];
  expiredLookbackMs: number;
}

export interface InsertedExpiryEvents {
  /** The time the scan judged by (the injected clock or the database's now()). */
  scannedAt: Date;
  /** `file.expiring` events written by this scan. */
  warnings: number;
  /** `file.expired` events written by this scan. */
  expired: number;
}

/**
 * Writes every expiry event due at the scan's clock that is not in the outbox yet, in one
 * set-based statement. The rules (stated as a pure function in test/helpers/expiry-rules.ts,
 * which tests hold this statement to):
 * - Warning: an active file inside at least one window (expires_at - window <= now < expires_at)
 *   is due a warning for the tightest window that applies, unless that window or a tighter one
 *   was already warned about for this expires_at value. So a file first seen 30 minutes before
 *   expiry gets the 1h warning only, and a wider warning never follows a tighter one.
 * - Expired: once now >= expires_at, one `file.expired`, listed or not, unless the expiry
 *   happened before the file was first seen (a first import of an old account is history, not
 *   news) or lies further back than the lookback.
 *
 * Exactly-once comes from events.dedupe_key being UNIQUE (`file.expiring:<file>:<window ms>:<expires_at
 * unix seconds>`, `file.expired:<file>:<expires_at unix seconds>`): replicas, retries and restarts
 * that race insert nothing twice. The NOT EXISTS before ON CONFLICT keeps the common case (already
 * emitted) from drawing a seq value on every scan; ON CONFLICT settles the races. Rows are
 * inserted in one fixed order so racing scans cannot deadlock each other.
 */
export async function insertDueExpiryEvents(
  db: Db,
  params: DueExpiryEventsParams,
): Promise<InsertedExpiryEvents> {
  const [row] = await db.$queryRaw<InsertedExpiryEvents[]>`
WITH clock AS (
  SELECT COALESCE(${params.now}::timestamptz, now()) AS now
),
windows AS (
  SELECT w.window_ms, w.label FROM unnest(${params.windows.map((w) => w.ms)}::bigint[], ${params.windows.map((w) => w.label)}::text[]) AS w(window_ms, label)
),
tightest AS (
  SELECT DISTINCT ON (f.id) f.id, f.version, f.filename, f.purpose, f.bytes, f.expires_at, w.window_ms, w.label
  FROM files f
  CROSS JOIN clock c
  JOIN windows w ON f.expires_at - w.window_ms * interval '1 millisecond' <= c.now
  WHERE f.status = 'active'
    AND f.expires_at > c.now
    AND f.expires_at <= c.now + (SELECT max(window_ms) FROM windows) * interval '1 millisecond'
  ORDER BY f.id, w.window_ms
),
warnings AS (
  SELECT
    'file.expiring' AS type,
    t.id AS file_id,
    t.expires_at,
    'file.expiring:' || t.id || ':' || t.window_ms || ':' || floor(extract(epoch FROM t.expires_at))::bigint AS dedupe_key,
    jsonb_build_object(
      'window', t.label,
      'window_ms', t.window_ms,
      'expires_at', to_char(t.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'seconds_left', floor(extract(epoch FROM t.expires_at - c.now))::bigint,
      'filename', t.filename,
      'purpose', t.purpose,
      'bytes', t.bytes,
      -- Whether the current version is safely in the archive store (see archive_records).
      'archived', EXISTS (SELECT 1 FROM archive_records a WHERE a.file_id = t.id
                           AND a.version = t.version AND a.status = 'archived')
    ) AS data
  FROM tightest t
  CROSS JOIN clock c
  -- A wider warning never follows a tighter one for the same expiry (say the windows were
  -- reconfigured from 24h,1h to 24h,2h after the 1h warning went out).
  WHERE NOT EXISTS (
    SELECT 1 FROM events e
    WHERE e.file_id = t.id
      AND e.type = 'file.expiring'
      AND (e.data->>'window_ms')::bigint < t.window_ms
      AND floor(extract(epoch FROM (e.data->>'expires_at')::timestamptz))
        = floor(extract(epoch FROM t.expires_at))
  )
),
expirations AS (
  SELECT
    'file.expired' AS type,
    f.id AS file_id,
    f.expires_at,
    'file.expired:' || f.id || ':' || floor(extract(epoch FROM f.expires_at))::bigint AS dedupe_key,
    jsonb_build_object(
      'expires_at', to_char(f.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'seconds_since_expiry', floor(extract(epoch FROM c.now - f.expires_at))::bigint,
      'still_listed', f.status = 'active' AND f.missed_runs = 0,
      'status', f.status,
      'filename', f.filename,
      'purpose', f.purpose,
      'bytes', f.bytes
    ) AS data
  FROM files f
  CROSS JOIN clock c
  WHERE f.expires_at <= c.now
    AND f.expires_at >= c.now - ${params.expiredLookbackMs}::float8 * interval '1 millisecond'
    -- An expiry that happened before the mirror first saw the file is history, not news.
    AND f.expires_at >= f.first_seen_at
),
due AS (
  SELECT * FROM warnings
  UNION ALL
  SELECT * FROM expirations
),
inserted AS (
  INSERT INTO events (type, file_id, data, dedupe_key, occurred_at, sync_run_id)
  SELECT d.type, d.file_id, d.data, d.dedupe_key, c.now, NULL
  FROM due d
  CROSS JOIN clock c
  WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.dedupe_key = d.dedupe_key)
  ORDER BY d.expires_at, d.file_id, d.type
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING type
)
SELECT
  (SELECT now FROM clock) AS "scannedAt",
  count(*) FILTER (WHERE type = 'file.expiring')::int AS warnings,
  count(*) FILTER (WHERE type = 'file.expired')::int AS expired
FROM inserted`;
  return row!;
}
