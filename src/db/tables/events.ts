import { createHash } from "node:crypto";
import type { OutboxEvent } from "../../events/cloud-event.js";
import { type Db, Prisma } from "../prisma.js";
import { fileJson } from "./file-columns.js";
import type { RunContext } from "./files-apply.js";

// events: the outbox. The sync writes its events inside its transaction, set-based from its
// temporary tables (`changes`, `gone`); a new file's file.created is written with the file
// (insertNewFiles). The expiry scan's insert is here; listing for operators uses the model API.

/** A run's own event (sync.bootstrapped, sync.guarded), its data with the run's id. */
export async function insertRunEvent(
  db: Db,
  run: RunContext,
  type: "sync.bootstrapped" | "sync.guarded",
  data: object,
): Promise<void> {
  await db.event.create({
    data: {
      type,
      occurredAt: run.at,
      data: { run_id: run.runId, ...data },
      syncRunId: run.runId,
    },
  });
}

/**
 * A file.updated (each changed field with old and new value) or file.reappeared event for every
 * file in `changes`, in id order. Returns how many of each.
 */
export async function insertChangeEvents(
  db: Db,
  run: RunContext,
): Promise<{ updated: number; reappeared: number }> {
  const [counts] = await db.$queryRaw<{ updated: number; reappeared: number }[]>`
    WITH written AS (
      INSERT INTO events (type, file_id, occurred_at, data, sync_run_id)
      SELECT CASE WHEN c.old_status = 'disappeared' THEN 'file.reappeared' ELSE 'file.updated' END,
             c.id, ${run.at}::timestamptz,
             jsonb_build_object(
               'file', ${fileJson("f")},
               'changes', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                 'field', field, 'old', c.old_file -> field, 'new', ${fileJson("f")} -> field)
                                 ORDER BY field), '[]'::jsonb)
                             FROM unnest(c.changed_fields) AS field))
             || CASE WHEN c.old_status = 'disappeared'
                     THEN jsonb_build_object('disappeared_at', c.old_disappeared_at) ELSE '{}'::jsonb END,
             ${run.runId}::int
        FROM changes c JOIN files f ON f.id = c.id
       ORDER BY c.id
      RETURNING type
    )
    SELECT count(*) FILTER (WHERE type = 'file.updated')::int AS updated,
           count(*) FILTER (WHERE type = 'file.reappeared')::int AS reappeared
      FROM written`;
  return counts!;
}

/**
 * A file.disappeared event for every file in `gone`, in id order, whose reason is `expired` when
 * the file's expires_at had passed by the run's clock, else `deleted`. Returns how many.
 */
export async function insertDisappearedEvents(db: Db, run: RunContext): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    WITH written AS (
      INSERT INTO events (type, file_id, occurred_at, data, sync_run_id)
      SELECT 'file.disappeared', f.id, ${run.at}::timestamptz,
             jsonb_build_object(
               'file', ${fileJson("f")},
               'reason', CASE WHEN f.expires_at IS NOT NULL AND f.expires_at <= ${run.at}::timestamptz
                              THEN 'expired' ELSE 'deleted' END,
               'last_seen_at', f.last_seen_at,
               'missed_runs', g.misses),
             ${run.runId}::int
        FROM gone g JOIN files f ON f.id = g.id
       ORDER BY f.id
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM written`;
  return row!.n;
}

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

/** Ids longer than this many UTF-8 bytes appear in dedupe keys as their SHA-256 digest. */
export const dedupeIdMaxBytes = 1024;

/** The file's part of a dedupe key written from TypeScript: the same rule as `dedupeFileId`. */
export function dedupeKeyFileId(fileId: string): string {
  return Buffer.byteLength(fileId, "utf8") <= dedupeIdMaxBytes
    ? fileId
    : `sha256:${createHash("sha256").update(fileId, "utf8").digest("hex")}`;
}

/**
 * The file's part of an expiry dedupe key: the id itself when short (so keys written before
 * this rule stay the same), else `sha256:<hex>`. A key sits in a unique btree index, whose
 * entries cannot exceed 2,704 bytes: an id of up to 24,576 bytes would make the insert fail on
 * every scan.
 */
const dedupeFileId = (
  column: Prisma.Sql,
) => Prisma.sql`CASE WHEN octet_length(${column}) <= ${Prisma.raw(String(dedupeIdMaxBytes))}
      THEN ${column} ELSE 'sha256:' || encode(sha256(convert_to(${column}, 'UTF8')), 'hex') END`;

/** file.disappeared events by their data's reason (`deleted`, `expired`). */
export async function countDisappearedByReason(
  db: Db,
): Promise<{ reason: string; count: number }[]> {
  return db.$queryRaw<{ reason: string; count: number }[]>`
    SELECT data->>'reason' AS reason, count(*)::int AS count FROM events
     WHERE type = 'file.disappeared' GROUP BY 1 ORDER BY 1`;
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
 * that race insert nothing twice. `<file>` is the id, or its digest when the id is long (see
 * dedupeFileId); the check before the insert also matches the key as it was before digests
 * (legacy_key), so an upgrade re-emits nothing. Retention never prunes an expiry event while it
 * could come due again (src/retention/minimum-event-retention.ts). The NOT EXISTS before ON CONFLICT keeps the common case (already
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
    'file.expiring:' || ${dedupeFileId(Prisma.raw("t.id"))} || ':' || t.window_ms || ':' || floor(extract(epoch FROM t.expires_at))::bigint AS dedupe_key,
    'file.expiring:' || t.id || ':' || t.window_ms || ':' || floor(extract(epoch FROM t.expires_at))::bigint AS legacy_key,
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
    'file.expired:' || ${dedupeFileId(Prisma.raw("f.id"))} || ':' || floor(extract(epoch FROM f.expires_at))::bigint AS dedupe_key,
    'file.expired:' || f.id || ':' || floor(extract(epoch FROM f.expires_at))::bigint AS legacy_key,
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
  WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.dedupe_key IN (d.dedupe_key, d.legacy_key))
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
