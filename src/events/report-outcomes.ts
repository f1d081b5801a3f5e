import type { DeliveryOutcome } from "../db/tables/event-deliveries.js";
import type { Logger } from "../logging/logger.js";
import type { Attempt } from "./dispatch-round.js";

/** One delivery attempt, for metrics (e.g. a counter by sink and outcome). */
export interface DeliveryReport {
  sink: string;
  eventId: string;
  /** Without prefix, e.g. `file.created`. */
  eventType: string;
  /** `failed` will be retried; `dead` will not (until redelivered). */
  outcome: "delivered" | "failed" | "dead";
  /** 1 for the first attempt. */
  attempt: number;
  durationMs: number;
}

export type DeliveryReporter = (report: DeliveryReport) => void;

export interface OutcomeCounts {
  delivered: number;
  failed: number;
  dead: number;
}

/**
 * Logs each recorded outcome (with seq, attempt number and duration), hands it to the metrics
 * callback, and counts them. Outcomes not in `written` lost their lease and are skipped.
 */
export function reportOutcomes(
  attempts: readonly Attempt[],
  outcomes: readonly DeliveryOutcome[],
  written: ReadonlySet<string>,
  context: { sink: string; log: Logger; onDelivery: DeliveryReporter | undefined },
): OutcomeCounts {
  const counts: OutcomeCounts = { delivered: 0, failed: 0, dead: 0 };
  const byId = new Map(attempts.map((a) => [a.claim.event.id, a]));
  for (const outcome of outcomes) {
    const attempt = byId.get(outcome.eventId);
    if (attempt === undefined || !written.has(outcome.eventId)) continue;
    const status = outcome.status === "pending" ? "failed" : outcome.status;
    counts[status] += 1;
    const fields = {
      eventId: outcome.eventId,
      seq: attempt.claim.event.seq,
      type: attempt.claim.event.type,
      attempt: attempt.claim.attempts + 1,
      durationMs: attempt.durationMs,
    };
    if (status === "delivered") context.log.debug(fields, "event delivered");
    else if (status === "failed") {
      context.log.warn(
        { ...fields, error: outcome.lastError, nextAttemptAt: outcome.nextAttemptAt },
        "event delivery failed; will retry",
      );
    } else context.log.error({ ...fields, error: outcome.lastError }, "event delivery is dead");
    notify(context, {
      sink: context.sink,
      eventId: fields.eventId,
      eventType: fields.type,
      outcome: status,
      attempt: fields.attempt,
      durationMs: fields.durationMs,
    });
  }
  return counts;
}

/** Metrics must never break delivery. */
function notify(
  context: { log: Logger; onDelivery: DeliveryReporter | undefined },
  report: DeliveryReport,
): void {
  try {
    context.onDelivery?.(report);
  } catch (error) {
    context.log.warn({ err: error }, "the delivery metrics callback threw; ignored");
  }
}
