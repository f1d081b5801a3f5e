import type { Queryable } from "./queryable.js";

/**
 * Disables (410 Gone) or retires (operator) a sink and makes its pending deliveries dead with
 * the reason, atomically. A disabled sink still gets its later events recorded, as dead, so a
 * redelivery can send them once the receiver is back; a retired sink gets nothing any more.
 * Returns whether the sink exists and how many deliveries became dead.
 */
export async function changeSinkStatus(
  db: Queryable,
  sink: string,
  status: "disabled" | "retired",
  reason: string,
  now: Date,
): Promise<{ found: boolean; deadDeliveries: number }> {
  const { rows } = await db.query<{ sinks: number; deliveries: number }>(
    `WITH changed AS (
       UPDATE event_sinks SET status = $2, reason = $3, status_changed_at = $4
        WHERE sink = $1
       RETURNING sink),
     dead AS (
       UPDATE event_deliveries d
          SET status = 'dead', last_error = 'sink ' || $2 || ': ' || $3,
              locked_by = NULL, locked_until = NULL
         FROM changed c
        WHERE d.sink = c.sink AND d.status = 'pending'
       RETURNING 1)
     SELECT (SELECT count(*) FROM changed)::int AS sinks, (SELECT count(*) FROM dead)::int AS deliveries`,
    [sink, status, reason, now],
  );
  const row = rows[0];
  return { found: (row?.sinks ?? 0) > 0, deadDeliveries: row?.deliveries ?? 0 };
}
