import type { PrismaClient } from "../db/prisma.js";
import {
  createMissingDeliveries,
  type RedeliverySelection,
  resetDeliveries,
} from "../db/tables/event-deliveries.js";
import { changeSinkStatus, reenableDisabledSinks } from "../db/tables/event-sinks.js";
import { eventExists } from "../db/tables/events.js";
import { EventDeliveryError } from "./sinks.js";

export type { RedeliverySelection } from "../db/tables/event-deliveries.js";

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

/** Bounds of the redelivery transaction: a `--since` over a large outbox may take a while. */
const redeliveryTransaction = { maxWait: 10_000, timeout: 120_000 };

/**
 * Sets the selected deliveries back to `pending`, attempts 0, due now, lease cleared (a
 * dispatcher still holding one cannot record its outcome over this), in one transaction.
 * Delivered ones are sent again too: this is also the replay. A disabled sink whose deliveries
 * are reset is re-enabled. Per file, order again follows seq, so a replayed old event holds
 * back that file's later pending events on the sink until it is delivered.
 */
export async function redeliverEvents(
  prisma: PrismaClient,
  selection: RedeliverySelection,
  options: RedeliverOptions,
): Promise<RedeliverResult> {
  return prisma.$transaction(async (tx) => {
    if ("eventId" in selection && !(await eventExists(tx, selection.eventId))) {
      throw new EventDeliveryError("unknown_event", `no event has the id ${selection.eventId}`);
    }
    const reset = await resetDeliveries(tx, selection, {
      sink: options.sink ?? null,
      now: options.now,
    });
    const targets = (options.sinks ?? []).filter(
      (s) => options.sink === undefined || s === options.sink,
    );
    const created =
      "dead" in selection || targets.length === 0
        ? []
        : await createMissingDeliveries(tx, selection, targets, options.now);
    const touched = [...new Set([...reset, ...created])];
    const reenabled = await reenableDisabledSinks(tx, touched, options.now);
    return { reset: reset.length, created: created.length, reenabled };
  }, redeliveryTransaction);
}

/**
 * Forgets a sink that was removed from the configuration: no delivery rows are recorded for it
 * any more and its pending ones become dead. A dispatcher configured with it registers it again
 * (active, from then on), so retire it after removing it from every replica's configuration.
 */
export async function retireSink(
  prisma: PrismaClient,
  sink: string,
  now: Date,
): Promise<{ found: boolean; deadDeliveries: number }> {
  return changeSinkStatus(
    prisma,
    sink,
    "retired",
    `retired by an operator at ${now.toISOString()}`,
    now,
  );
}
