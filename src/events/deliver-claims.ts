import { performance } from "node:perf_hooks";
import type { ClaimedDelivery } from "./claim-deliveries.js";
import { type CloudEventEnvelope, toCloudEvent } from "./cloud-event.js";
import type { DeliveryResult, EventSink } from "./event-sink.js";
import { mapWithConcurrency } from "./map-with-concurrency.js";

export interface Attempt {
  claim: ClaimedDelivery;
  /** Undefined: not started (stopping, or the receiver answered 429/410 earlier this round). */
  result: DeliveryResult | undefined;
  durationMs: number;
}

/**
 * Sends a claimed batch to its sink, `sink.concurrency` at a time. The batch holds at most one
 * delivery per file, so sending side by side keeps per-file order. After a 429 or 410 nothing
 * more is started this round, nor once `isStopping()` turns true.
 */
export async function deliverClaims(
  sink: EventSink,
  claims: readonly ClaimedDelivery[],
  envelope: CloudEventEnvelope,
  control: { isStopping?: () => boolean; signal?: AbortSignal },
): Promise<Attempt[]> {
  const signal = control.signal ?? new AbortController().signal;
  let holdBack = false;
  return mapWithConcurrency<ClaimedDelivery, Attempt>(claims, sink.concurrency, async (claim) => {
    if (holdBack || signal.aborted || control.isStopping?.() === true) {
      return { claim, result: undefined, durationMs: 0 };
    }
    const started = performance.now();
    const cloudEvent = toCloudEvent(claim.event, envelope);
    const result = await sink.deliver(
      { type: claim.event.type, cloudEvent, body: JSON.stringify(cloudEvent) },
      signal,
    );
    if (result.outcome === "gone" || (result.outcome === "failed" && result.throttled)) {
      holdBack = true;
    }
    return { claim, result, durationMs: Math.round(performance.now() - started) };
  });
}
