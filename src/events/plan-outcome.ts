import type { DeliveryResult } from "./event-sink.js";
import type { DeliveryOutcome } from "./record-outcomes.js";
import { retryDelayMs } from "./retry-schedule.js";

export interface AttemptFacts {
  eventId: string;
  /** This attempt's number (1 = first). */
  attempt: number;
  result: Exclude<DeliveryResult, { outcome: "aborted" }>;
  now: Date;
  maxAttempts: number | undefined;
  /** The sink's scheduled delay before retry number `attempt`, jitter included. */
  scheduledDelayMs: number;
}

/**
 * What an attempt's result does to the delivery: delivered; dead (410 Gone, or the last allowed
 * attempt failed); else pending again, no sooner than the schedule and any Retry-After.
 */
export function planOutcome(facts: AttemptFacts): DeliveryOutcome {
  const { result, now } = facts;
  if (result.outcome === "delivered") {
    return {
      eventId: facts.eventId,
      status: "delivered",
      nextAttemptAt: null,
      lastError: null,
      deliveredAt: now,
    };
  }
  const exhausted = facts.maxAttempts !== undefined && facts.attempt >= facts.maxAttempts;
  if (result.outcome === "gone" || exhausted) {
    const error =
      result.outcome === "gone"
        ? result.error
        : `${result.error} (attempt ${facts.attempt} of ${facts.maxAttempts}; giving up)`;
    return {
      eventId: facts.eventId,
      status: "dead",
      nextAttemptAt: null,
      lastError: error,
      deliveredAt: null,
    };
  }
  const delay = retryDelayMs(facts.scheduledDelayMs, result.retryAfterMs);
  return {
    eventId: facts.eventId,
    status: "pending",
    nextAttemptAt: new Date(now.getTime() + delay),
    lastError: result.error,
    deliveredAt: null,
  };
}
