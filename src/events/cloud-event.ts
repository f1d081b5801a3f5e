/** An outbox row as the dispatcher reads it. */
export interface OutboxEvent {
  id: string;
  seq: number;
  /** The event type without prefix, e.g. `file.expiring`. */
  type: string;
  fileId: string | null;
  occurredAt: Date;
  data: unknown;
}

/** What every sink sends: a CloudEvents 1.0 event in structured mode (JSON). */
export interface CloudEvent {
  specversion: "1.0";
  /** The outbox uuid: stable across retries and redeliveries, so consumers can de-duplicate. */
  id: string;
  source: string;
  /** `<typePrefix>.<event type>`, e.g. `ai.novita.filesync.file.expiring`. */
  type: string;
  /** The file id; absent for events about a sync run rather than a file. */
  subject?: string;
  /** When the change happened (RFC 3339). */
  time: string;
  datacontenttype: "application/json";
  /** Extension attribute: the outbox sequence number; per file, deliveries follow it. */
  seq: number;
  data: unknown;
}

export interface CloudEventEnvelope {
  /** CloudEvents `source`, e.g. `urn:novita-file-sync`. */
  source: string;
  /** Reverse-DNS prefix of `type`, e.g. `ai.novita.filesync`. */
  typePrefix: string;
}

export const cloudEventContentType = "application/cloudevents+json";

export function toCloudEvent(event: OutboxEvent, envelope: CloudEventEnvelope): CloudEvent {
  return {
    specversion: "1.0",
    id: event.id,
    source: envelope.source,
    type: `${envelope.typePrefix}.${event.type}`,
    ...(event.fileId === null ? {} : { subject: event.fileId }),
    time: event.occurredAt.toISOString(),
    datacontenttype: "application/json",
    seq: event.seq,
    data: event.data,
  };
}
