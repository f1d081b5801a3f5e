import type { Db } from "../prisma.js";

// event_totals and event_delivery_totals: what the outbox has seen, appended by triggers as rows
// are written (migration 20261130000300), so /metrics sums a few rows however long the history
// and whatever retention has pruned. Append-only, so writers never wait for each other;
// compactTotals folds the rows into one per key.

/** Events ever written, by type. */
export async function readEventTotals(db: Db): Promise<{ type: string; count: number }[]> {
  const groups = await db.eventTotal.groupBy({ by: ["type"], _sum: { emitted: true } });
  return groups.map((g) => ({ type: g.type, count: Number(g._sum.emitted ?? 0) }));
}

/** Deliveries that reached `delivered` or `dead`, by sink. */
export async function readDeliveryTotals(
  db: Db,
): Promise<{ sink: string; status: string; count: number }[]> {
  const groups = await db.eventDeliveryTotal.groupBy({
    by: ["sink", "status"],
    _sum: { reached: true },
  });
  return groups.map((g) => ({
    sink: g.sink,
    status: g.status,
    count: Number(g._sum.reached ?? 0),
  }));
}

/**
 * Folds each totals table into one row per key, in one statement each: the rows it deletes are
 * the committed ones it sees, and their sum goes back in, so concurrent appends are neither
 * blocked nor lost.
 */
export async function compactTotals(db: Db): Promise<void> {
  await db.$executeRaw`
    WITH gone AS (DELETE FROM event_totals RETURNING type, emitted)
    INSERT INTO event_totals (type, emitted) SELECT type, sum(emitted) FROM gone GROUP BY type`;
  await db.$executeRaw`
    WITH gone AS (DELETE FROM event_delivery_totals RETURNING sink, status, reached)
    INSERT INTO event_delivery_totals (sink, status, reached)
    SELECT sink, status, sum(reached) FROM gone GROUP BY sink, status`;
}
