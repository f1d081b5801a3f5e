import type { Db } from "../prisma.js";

// event_totals and event_delivery_totals: what the outbox has seen, kept by triggers as rows are
// written (migration 20261130000300), so /metrics reads a handful of rows however long the
// history and whatever retention has pruned.

/** Events ever written, by type. */
export async function readEventTotals(db: Db): Promise<{ type: string; count: number }[]> {
  const rows = await db.eventTotal.findMany({ orderBy: { type: "asc" } });
  return rows.map((r) => ({ type: r.type, count: Number(r.emitted) }));
}

/** Deliveries that reached `delivered` or `dead`, by sink. */
export async function readDeliveryTotals(
  db: Db,
): Promise<{ sink: string; status: string; count: number }[]> {
  const rows = await db.eventDeliveryTotal.findMany({
    orderBy: [{ sink: "asc" }, { status: "asc" }],
  });
  return rows.map((r) => ({ sink: r.sink, status: r.status, count: Number(r.reached) }));
}
