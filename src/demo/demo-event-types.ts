/** Every event type the worker emits, in the order the demo's script first shows them. */
export const demoEventTypes = [
  "sync.bootstrapped",
  "file.created",
  "file.expiring",
  "file.updated",
  "file.disappeared",
  "file.reappeared",
  "sync.guarded",
  "file.expired",
] as const;

export type DemoEventType = (typeof demoEventTypes)[number];
