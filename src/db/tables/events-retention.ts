import { type Db, Prisma, type PrismaClient } from "../prisma.js";

// events and event_deliveries, retention side: which outbox rows may go, deleted in short
// batches. An event may go once it is older than the cutoff and none of its deliveries is
// pending; its delivered and dead deliveries go with it.

/** Where the previous batch stopped (events kept for a pending delivery are walked past once). */
export interface EventPruneCursor {
  occurredAt: Date;
  id: string;
}

export interface PrunedEventsBatch {
  /** Events looked at: deleted, or kept because a delivery is pending. */
  scanned: number;
  events: number;
  deliveries: number;
  /** Where the next batch starts; null when nothing was scanned. */
  cursor: EventPruneCursor | null;
}

/**
 * Deletes up to `limit` prunable events older than `before` (oldest first, after `after`), with
 * their deliveries, in one short transaction. Rows locked by others are skipped, not waited for.
 * The deliveries are deleted by a statement that re-checks their status, and the events only if
 * no delivery is left: a redelivery that turns a dead delivery back into pending while the batch
 * runs keeps its event.
 */
export async function pruneEventsBatch(
  prisma: PrismaClient,
  params: { before: Date; limit: number; after: EventPruneCursor | null },
): Promise<PrunedEventsBatch> {
  const { after } = params;
  const afterCursor =
    after === null
      ? Prisma.empty
      : Prisma.sql`AND e.occurred_at >= ${after.occurredAt}
                   AND (e.occurred_at, e.id) > (${after.occurredAt}::timestamptz, ${after.id}::uuid)`;
  return prisma.$transaction(async (tx) => {
    const candidates = await tx.$queryRaw<{ id: string; occurredAt: Date; settled: boolean }[]>`
      SELECT e.id, e.occurred_at AS "occurredAt",
             NOT EXISTS (SELECT 1 FROM event_deliveries d
                          WHERE d.event_id = e.id AND d.status = 'pending') AS settled
        FROM events e
       WHERE e.occurred_at < ${params.before} ${afterCursor}
       ORDER BY e.occurred_at, e.id
       LIMIT ${params.limit}
         FOR UPDATE OF e SKIP LOCKED`;
    const settled = candidates.filter((c) => c.settled).map((c) => c.id);
    const last = candidates.at(-1);
    if (settled.length === 0) {
      return { scanned: candidates.length, events: 0, deliveries: 0, cursor: last ?? null };
    }
    const deliveries = await tx.$executeRaw`
      DELETE FROM event_deliveries
       WHERE event_id = ANY(${settled}::uuid[]) AND status <> 'pending'`;
    const events = await tx.$executeRaw`
      DELETE FROM events e
       WHERE e.id = ANY(${settled}::uuid[])
         AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = e.id)`;
    return {
      scanned: candidates.length,
      events,
      deliveries,
      cursor: last === undefined ? null : { occurredAt: last.occurredAt, id: last.id },
    };
  });
}

/** What pruneEventsBatch would delete before `before`, all batches together (for --dry-run). */
export async function countPrunableEvents(
  db: Db,
  before: Date,
): Promise<{ events: number; deliveries: number }> {
  const [row] = await db.$queryRaw<{ events: bigint; deliveries: bigint }[]>`
    SELECT count(*) AS events,
           coalesce(sum((SELECT count(*) FROM event_deliveries d WHERE d.event_id = e.id)), 0)::bigint
             AS deliveries
      FROM events e
     WHERE e.occurred_at < ${before}
       AND NOT EXISTS (SELECT 1 FROM event_deliveries d
                        WHERE d.event_id = e.id AND d.status = 'pending')`;
  return { events: Number(row?.events ?? 0), deliveries: Number(row?.deliveries ?? 0) };
}
