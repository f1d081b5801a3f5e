import { type EventType, eventTypes } from "../events/event-types.js";

/**
 * Every event type the demo shows, in the order its script first shows them: all the worker
 * emits but `file.archive_failed`, which a healthy demo never has.
 */
export const demoEventTypes = eventTypes.filter(
  (type): type is Exclude<EventType, "file.archive_failed"> => type !== "file.archive_failed",
);

export type DemoEventType = (typeof demoEventTypes)[number];
