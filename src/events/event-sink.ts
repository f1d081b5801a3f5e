import type { CloudEvent } from "./cloud-event.js";

/** One event on its way out. */
export interface OutgoingEvent {
  /** The event type without prefix, e.g. `file.expiring` (NATS subjects use it). */
  type: string;
  cloudEvent: CloudEvent;
  /** `cloudEvent` as sent: JSON, serialized once. */
  body: string;
}

/** What one delivery attempt came to. */
export type DeliveryResult =
  | { outcome: "delivered" }
  | {
      outcome: "failed";
      /** Short, secret-free description stored in event_deliveries.last_error. */
      error: string;
      /** The receiver asked us to wait at least this long (Retry-After). */
      retryAfterMs?: number;
      /** The receiver is rate-limiting (429): send nothing more to it this round. */
      throttled?: boolean;
    }
  /** The receiver said it is gone for good (410): stop delivering to this sink. */
  | { outcome: "gone"; error: string }
  /** The attempt was abandoned by a forced stop; it does not count as an attempt. */
  | { outcome: "aborted" };

/** A place events go: one webhook URL, or the NATS JetStream stream. */
export interface EventSink {
  /** Stored in event_deliveries.sink and event_sinks.sink; never contains a secret. */
  readonly name: string;
  /** Deliveries of one batch sent at once (different files only, so order is kept). */
  readonly concurrency: number;
  /** After this many failed attempts a delivery is `dead`; undefined retries for ever. */
  readonly maxAttempts: number | undefined;
  /** Upper bound of one `deliver` call, used to size the claim lease. */
  readonly timeoutMs: number;
  /** Delay before retry number `attempt` (1 = after the first failure), jitter included. */
  retryDelayMs(attempt: number, random: () => number): number;
  /** Sends one event. Never throws: every failure is a result. */
  deliver(event: OutgoingEvent, signal: AbortSignal): Promise<DeliveryResult>;
  /** Releases connections. */
  close(): Promise<void>;
}
