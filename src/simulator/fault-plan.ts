import type { Fault, FaultTimes } from "./fault-schema.js";

interface QueuedFault {
  fault: Fault;
  remaining: FaultTimes;
}

/**
 * Faults for list requests, applied in order: each request takes the fault at the head of the
 * queue and uses up one of its `times`. An "always" fault stays at the head until cleared, so
 * faults queued behind it never run. Pagination is a standing setting, not a fault.
 */
export class FaultPlan {
  #queue: QueuedFault[] = [];
  /** Page size for OpenAI-style pagination (has_more, last_id, ?after=); null serves one page. */
  pageSize: number | null = null;

  /** Queues `fault` for the next `times` list requests (default 1). */
  add(fault: Fault, times: FaultTimes = 1): this {
    this.#queue.push({ fault, remaining: times });
    return this;
  }

  /** Queues `fault` for every list request until clear(). */
  always(fault: Fault): this {
    return this.add(fault, "always");
  }

  /** The fault for the request being served, if any, using up one of its times. */
  take(): Fault | null {
    const head = this.#queue[0];
    if (head === undefined) return null;
    if (head.remaining !== "always") {
      head.remaining -= 1;
      if (head.remaining <= 0) this.#queue.shift();
    }
    return head.fault;
  }

  /** Drops queued faults (pagination is kept; see reset()). */
  clear(): void {
    this.#queue = [];
  }

  /** Drops queued faults and turns pagination off. */
  reset(): void {
    this.clear();
    this.pageSize = null;
  }

  snapshot(): { queue: QueuedFault[]; pageSize: number | null } {
    return { queue: this.#queue.map((q) => ({ ...q })), pageSize: this.pageSize };
  }
}
