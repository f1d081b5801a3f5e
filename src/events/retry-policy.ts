import type { DeliveryOutcome } from "../db/tables/event-deliveries.js";
import type { DeliveryResult } from "./sinks.js";

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/**
 * Delays between webhook attempts, after the Standard Webhooks recommendation: the first attempt
 * at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h ... (the last value repeats). With the
 * default 8 attempts a delivery is retried for about 28 hours before it is dead.
 */
export const webhookRetryDelaysMs = [
  5 * second,
  5 * minute,
  30 * minute,
  2 * hour,
  5 * hour,
  10 * hour,
];

/** NATS is our own infrastructure: retried for ever, soon and often, capped at 5 minutes. */
export const natsRetryDelaysMs = [1 * second, 5 * second, 30 * second, 2 * minute, 5 * minute];

/** Longest Retry-After we honour; a receiver asking for more is retried after a day. */
export const maxRetryAfterMs = 24 * hour;

/**
 * The delay before retry number `attempt` (1 = after the first failed attempt): the schedule's
 * value, spread by ±20 % so that many deliveries failed at once do not return at once.
 */
export function scheduledDelayMs(
  schedule: readonly number[],
  attempt: number,
  random: () => number,
): number {
  const index = Math.min(Math.max(attempt, 1), schedule.length) - 1;
  const base = schedule[index] ?? 0;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The later of the schedule and what the receiver asked for (capped at a day). */
export function retryDelayMs(scheduled: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs === undefined) return scheduled;
  return Math.max(scheduled, Math.min(retryAfterMs, maxRetryAfterMs));
}

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
