import { createHash } from "node:crypto";
import type { Config } from "../config/config.js";
import { AppError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import type { CloudEvent } from "./cloud-event.js";
import { makeNatsSink } from "./nats-sink.js";
import { makeWebhookSink } from "./webhook-sink.js";

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

/**
 * The stored name of a webhook sink: `webhook:<host>/<first 12 hex of sha256(url)>`. A URL may
 * carry credentials or a token in its user info, path or query; none of that is stored or logged,
 * yet two URLs on one host stay apart and the name stays the same while the URL does.
 */
export function webhookSinkName(url: string): string {
  const host = new URL(url).host;
  const digest = createHash("sha256").update(url).digest("hex").slice(0, 12);
  return `webhook:${host}/${digest}`;
}

/**
 * The stored name of the NATS sink: `nats:<stream>`. The server URL (which may hold credentials)
 * is left out, so moving the stream to another server keeps its delivery history.
 */
export function natsSinkName(stream: string): string {
  return `nats:${stream}`;
}

/** Bound on connecting to NATS and on each publish acknowledgement. */
const natsTimeoutMs = 5_000;

/** The sinks the configuration asks for: one per WEBHOOK_URL, plus NATS when NATS_URL is set. */
export function buildSinks(events: Config["events"], logger: Logger): EventSink[] {
  const sinks: EventSink[] = [];
  for (const url of events.webhookUrls) {
    if (events.webhookSecret === undefined) continue; // loadConfig refuses this combination
    sinks.push(
      makeWebhookSink({
        url,
        secret: events.webhookSecret,
        timeoutMs: events.webhookTimeoutMs,
        maxAttempts: events.webhookMaxAttempts,
      }),
    );
  }
  if (events.natsUrl !== undefined) {
    sinks.push(
      makeNatsSink({
        url: events.natsUrl,
        stream: events.natsStream,
        subjectPrefix: events.natsSubjectPrefix,
        timeoutMs: natsTimeoutMs,
        logger,
      }),
    );
  }
  return sinks;
}

/** The stored names of the configured sinks, without building (or connecting) them. */
export function configuredSinkNames(events: Config["events"]): string[] {
  return [
    ...events.webhookUrls.map(webhookSinkName),
    ...(events.natsUrl === undefined ? [] : [natsSinkName(events.natsStream)]),
  ];
}

/** Why event delivery failed as a whole (single failed attempts are recorded, not thrown). */
export type EventDeliveryErrorCode = "dispatch_failed" | "nats_stream_mismatch" | "unknown_event";

export class EventDeliveryError extends AppError<EventDeliveryErrorCode> {}
