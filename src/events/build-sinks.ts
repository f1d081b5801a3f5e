import type { Config } from "../config/config.js";
import type { Logger } from "../logging/logger.js";
import type { EventSink } from "./event-sink.js";
import { makeNatsSink } from "./nats-sink.js";
import { natsSinkName, webhookSinkName } from "./sink-names.js";
import { makeWebhookSink } from "./webhook-sink.js";

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
