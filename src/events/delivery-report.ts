/** One delivery attempt, for metrics (e.g. a counter by sink and outcome). */
export interface DeliveryReport {
  sink: string;
  eventId: string;
  /** Without prefix, e.g. `file.created`. */
  eventType: string;
  /** `failed` will be retried; `dead` will not (until redelivered). */
  outcome: "delivered" | "failed" | "dead";
  /** 1 for the first attempt. */
  attempt: number;
  durationMs: number;
}

export type DeliveryReporter = (report: DeliveryReport) => void;
