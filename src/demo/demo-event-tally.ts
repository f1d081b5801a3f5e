import type { CloudEvent } from "../events/cloud-event.js";
import { demoEventTypes } from "./demo-event-types.js";
import { eventTypeOf } from "./format-demo-line.js";

/** The events the receiver accepted, each id once (delivery is at least once). */
export interface DemoEventTally {
  /** Records an event; false when its id was seen before (a redelivery, not news). */
  add(event: CloudEvent): boolean;
  /** Events by type (without prefix). */
  counts(): Record<string, number>;
  /** Event types not seen yet, in the order the demo shows them. */
  missing(): string[];
}

export function makeDemoEventTally(typePrefix: () => string): DemoEventTally {
  const types = new Map<string, string>();
  return {
    add(event) {
      if (types.has(event.id)) return false;
      types.set(event.id, eventTypeOf(event, typePrefix()));
      return true;
    },
    counts() {
      const counts: Record<string, number> = {};
      for (const type of types.values()) counts[type] = (counts[type] ?? 0) + 1;
      return counts;
    },
    missing() {
      const seen = new Set(types.values());
      return demoEventTypes.filter((type) => !seen.has(type));
    },
  };
}
