/** Every event type the worker emits (without the EVENT_TYPE_PREFIX), as docs/events.md lists them. */
export const eventTypes = [
  "sync.bootstrapped",
  "file.created",
  "file.expiring",
  "file.updated",
  "file.disappeared",
  "file.reappeared",
  "sync.guarded",
  "file.expired",
  "file.archived",
  "file.archive_failed",
] as const;

export type EventType = (typeof eventTypes)[number];
