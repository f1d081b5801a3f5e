import { eventTypes } from "../events/event-types.js";

/** Every event type the worker emits, in the order the demo's script first shows them. */
export const demoEventTypes = eventTypes;

export type DemoEventType = (typeof demoEventTypes)[number];
