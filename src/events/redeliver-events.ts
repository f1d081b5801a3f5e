import type pg from "pg";
import { EventDeliveryError } from "./event-delivery-error.js";

/** Which deliveries to send again. */
export type RedeliverySelection =
  | { eventId: string }
  | { dead: true }
  /** Every event that occurred at or after this time. */
  | { since: Date };

export interface RedeliverOptions {
  /** Only this sink. */
  sink?: string;
  /**
   * The configured sinks: for `eventId` and `since`, an event that has no delivery row for one of
   * them (it was written before the sink was registered) gets one, so this also backfills a new
   * sink. Retired sinks are left alone.
   */
  sinks?: readonly string[];
  now: Date;
}

export interface RedeliverResult {
  /** Existing deliveries set back to pending with attempts 0. */
  reset: number;
  /** Delivery rows created for configured sinks that had none. */
  created: number;
  /** Disabled sinks (410 Gone) re-enabled because deliveries to them were reset. */
  reenabled: string[];
}

/**
 * Sets the selected deliveries back to `pending`, attempts 0, due now, lease cleared (a
 * dispatcher still holding one cannot record its outcome over this), in one transaction.
 * Delivered ones are sent again too: this is also the replay. A disabled sink whose deliveries
 * are reset is re-enabled. Per file, order again follows seq, so a replayed old event holds
 * back that file's later pending events on the sink until it is delivered.
 */
export async function redeliverEvents(
  pool: pg.Pool,
  selection: RedeliverySelection,
  options: RedeliverOptions,
): Promise<RedeliverResult> {
  const filter = selectionFilter(selection);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    if ("eventId" in selection) {
      const found = await client.query("SELECT 1 FROM events WHERE id = $1::uuid", [
        selection.eventId,
      ]);
      if (found.rowCount === 0) {
        throw new EventDeliveryError("unknown_event", `no event has the id ${selection.eventId}`);
      }
    }
    const reset = await client.query<{ sink: string }>(
      `UPDATE event_deliveries d
          SET status = 'pending', attempts = 0, next_attempt_at = $3, delivered_at = NULL,
              locked_by = NULL, locked_until = NULL
         FROM events e, event_sinks s
        WHERE e.id = d.event_id AND s.sink = d.sink AND s.status <> 'retired'
          AND ($2::text IS NULL OR d.sink = $2)
          AND ${filter.sql}
       RETURNING d.sink`,
      [filter.value, options.sink ?? null, options.now],
    );
    const targets = (options.sinks ?? []).filter(
      (s) => options.sink === undefined || s === options.sink,
    );
    const created =
      "dead" in selection || targets.length === 0
        ? { rows: [] as { sink: string }[] }
        : await client.query<{ sink: string }>(
            `INSERT INTO event_deliveries (event_id, sink, seq, file_id, next_attempt_at)
             SELECT e.id, s.sink, e.seq, e.file_id, $3
               FROM events e
              CROSS JOIN event_sinks s
              WHERE s.sink = ANY($2::text[]) AND s.status <> 'retired' AND ${filter.sql}
             ON CONFLICT DO NOTHING
             RETURNING sink`,
            [filter.value, targets, options.now],
          );
    const touched = [...new Set([...reset.rows, ...created.rows].map((r) => r.sink))];
    const reenabled = await client.query<{ sink: string }>(
      `UPDATE event_sinks SET status = 'active', reason = NULL, status_changed_at = $2
        WHERE status = 'disabled' AND sink = ANY($1::text[])
       RETURNING sink`,
      [touched, options.now],
    );
    await client.query("COMMIT");
    return {
      reset: reset.rows.length,
      created: created.rows.length,
      reenabled: reenabled.rows.map((r) => r.sink),
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The selection as a fixed SQL condition on `e` (events) / `d` (deliveries) and its $1. */
function selectionFilter(selection: RedeliverySelection): { sql: string; value: unknown } {
  if ("eventId" in selection) return { sql: "e.id = $1::uuid", value: selection.eventId };
  if ("since" in selection)
    return { sql: "e.occurred_at >= $1::timestamptz", value: selection.since };
  return { sql: "d.status = 'dead' AND $1::text IS NULL", value: null };
}
