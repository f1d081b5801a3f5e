import { changeSinkStatus } from "./change-sink-status.js";
import type { Queryable } from "./queryable.js";

/**
 * Forgets a sink that was removed from the configuration: no delivery rows are recorded for it
 * any more and its pending ones become dead. A dispatcher configured with it registers it again
 * (active, from then on), so retire it after removing it from every replica's configuration.
 */
export async function retireSink(
  db: Queryable,
  sink: string,
  now: Date,
): Promise<{ found: boolean; deadDeliveries: number }> {
  return changeSinkStatus(
    db,
    sink,
    "retired",
    `retired by an operator at ${now.toISOString()}`,
    now,
  );
}
