import { coerceError } from "../../src/errors.js";
import { runSinkOnce, type SinkRoundResult } from "../../src/events/dispatch-round.js";
import { type DispatcherOptions, defaultDispatcherId } from "../../src/events/dispatcher.js";
import { EventDeliveryError } from "../../src/events/sinks.js";

export interface DispatchRoundOptions extends DispatcherOptions {
  /** Once true, deliveries not yet started are released. */
  isStopping?: () => boolean;
  /** Aborts deliveries in flight; they are released without counting as attempts. */
  signal?: AbortSignal;
}

export interface DispatchSummary {
  sinks: SinkRoundResult[];
  claimed: number;
  delivered: number;
  failed: number;
  dead: number;
  released: number;
}

/**
 * One dispatcher round for every sink, side by side, as a test drives it (the worker runs one
 * loop per sink instead: startDispatcher). Built on the production round, runSinkOnce: each claims a batch of its due deliveries, delivers it
 * and records the outcomes. A sink that fails (its receiver or even its SQL) does not stop the
 * others; if any sink's round threw, this throws after all have finished. Sinks must have been
 * registered (registerSinks) for events to have delivery rows.
 */
export async function runDispatcherOnce(options: DispatchRoundOptions): Promise<DispatchSummary> {
  const dispatcherId = options.dispatcherId ?? defaultDispatcherId();
  const settled = await Promise.allSettled(
    options.sinks.map((sink) =>
      runSinkOnce({
        db: options.prisma,
        sink,
        envelope: options.envelope,
        dispatcherId,
        batchSize: options.batchSize,
        now: options.now ?? (() => new Date()),
        random: options.random ?? Math.random,
        logger: options.logger,
        ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
        ...(options.onDelivery === undefined ? {} : { onDelivery: options.onDelivery }),
        ...(options.isStopping === undefined ? {} : { isStopping: options.isStopping }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      }),
    ),
  );
  const failure = settled.find((s) => s.status === "rejected");
  if (failure !== undefined) {
    throw new EventDeliveryError(
      "dispatch_failed",
      `event dispatch failed: ${coerceError(failure.reason).message}`,
      { cause: failure.reason },
    );
  }
  const sinks = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const total = (key: "claimed" | "delivered" | "failed" | "dead" | "released") =>
    sinks.reduce((sum, s) => sum + s[key], 0);
  return {
    sinks,
    claimed: total("claimed"),
    delivered: total("delivered"),
    failed: total("failed"),
    dead: total("dead"),
    released: total("released"),
  };
}
