// The event delivery API the worker and the CLI use. See docs/events.md and docs/architecture.md.
export type { CloudEvent, CloudEventEnvelope, OutboxEvent } from "./cloud-event.js";
export { toCloudEvent } from "./cloud-event.js";
export type { SinkRoundResult } from "./dispatch-round.js";
export type {
  DispatcherHandle,
  DispatcherOptions,
  StartDispatcherOptions,
} from "./dispatcher.js";
export { startDispatcher } from "./dispatcher.js";
export { makeNatsSink } from "./nats-sink.js";
export { redeliverEvents, retireSink } from "./operator-actions.js";
export type { DeliveryReport, DeliveryReporter } from "./report-outcomes.js";
export type { DeliveryResult, EventSink, OutgoingEvent } from "./sinks.js";
export {
  buildSinks,
  configuredSinkNames,
  EventDeliveryError,
  natsSinkName,
  webhookSinkName,
} from "./sinks.js";
export { makeWebhookSink } from "./webhook-sink.js";
