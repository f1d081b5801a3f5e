import { performance } from "node:perf_hooks";
import type { PrismaClient } from "../db/prisma.js";
import {
  type ClaimedDelivery,
  claimDeliveries,
  type DeliveryOutcome,
  recordOutcomes,
  releaseDeliveries,
} from "../db/tables/event-deliveries.js";
import { changeSinkStatus, pauseSink } from "../db/tables/event-sinks.js";
import type { Logger } from "../logging/logger.js";
import { type CloudEventEnvelope, toCloudEvent } from "./cloud-event.js";
import { type DeliveryReporter, reportOutcomes } from "./report-outcomes.js";
import { planOutcome, retryDelayMs } from "./retry-policy.js";
import type { DeliveryResult, EventSink } from "./sinks.js";

export interface SinkRoundOptions {
  db: PrismaClient;
  sink: EventSink;
  envelope: CloudEventEnvelope;
  dispatcherId: string;
  batchSize: number;
  /** How long a claim is held; default covers a whole batch of timeouts plus 30 s. */
  leaseMs?: number;
  now: () => Date;
  random: () => number;
  logger: Logger;
  onDelivery?: DeliveryReporter;
  /** Once true, no further delivery of the batch starts; the unstarted ones are released. */
  isStopping?: () => boolean;
  /** Aborts deliveries in flight (a forced stop); they are released without counting. */
  signal?: AbortSignal;
}

export interface SinkRoundResult {
  sink: string;
  claimed: number;
  delivered: number;
  /** Failed and scheduled for another attempt. */
  failed: number;
  dead: number;
  /** Claimed but given back unattempted (stop, 429, 410), or taken over after the lease ran out. */
  released: number;
  /** The receiver answered 429 and the sink is paused. */
  throttled: boolean;
  /** The receiver answered 410 Gone and the sink is now disabled. */
  disabled: boolean;
}

/** One round for one sink: claim a batch, deliver it, record every outcome. */
export async function runSinkOnce(options: SinkRoundOptions): Promise<SinkRoundResult> {
  const { sink, db } = options;
  const claimedAt = options.now();
  const leaseMs =
    options.leaseMs ?? sink.timeoutMs * Math.ceil(options.batchSize / sink.concurrency) + 30_000;
  const claims = await claimDeliveries(db, {
    sink: sink.name,
    dispatcherId: options.dispatcherId,
    limit: options.batchSize,
    now: claimedAt,
    leaseUntil: new Date(claimedAt.getTime() + leaseMs),
  });
  const result: SinkRoundResult = {
    sink: sink.name,
    ...{ claimed: claims.length, delivered: 0, failed: 0, dead: 0, released: 0 },
    ...{ throttled: false, disabled: false },
  };
  if (claims.length === 0) return result;

  const attempts = await deliverClaims(sink, claims, options.envelope, options);
  const finishedAt = options.now();
  const outcomes: DeliveryOutcome[] = [];
  const release: string[] = [];
  for (const { claim, result: attempt } of attempts) {
    if (attempt === undefined || attempt.outcome === "aborted") {
      release.push(claim.event.id);
      continue;
    }
    const number = claim.attempts + 1;
    outcomes.push(
      planOutcome({
        eventId: claim.event.id,
        attempt: number,
        result: attempt,
        now: finishedAt,
        maxAttempts: sink.maxAttempts,
        scheduledDelayMs: sink.retryDelayMs(number, options.random),
      }),
    );
  }
  const written = await recordOutcomes(db, sink.name, options.dispatcherId, outcomes);
  await releaseDeliveries(db, sink.name, options.dispatcherId, release);

  const log = options.logger.child({ sink: sink.name });
  const counts = reportOutcomes(attempts, outcomes, written, {
    sink: sink.name,
    log,
    onDelivery: options.onDelivery,
  });
  Object.assign(result, counts, { released: release.length + outcomes.length - written.size });
  if (outcomes.length > written.size) {
    log.warn(
      { lost: outcomes.length - written.size, leaseMs },
      "lease ran out before the outcome was recorded; those deliveries will be attempted again",
    );
  }
  result.throttled = await pauseIfThrottled(options, attempts, finishedAt, log);
  result.disabled = await disableIfGone(options, attempts, finishedAt, log);
  return result;
}

/** A 429 pauses the whole sink: the later of its schedule and Retry-After. */
async function pauseIfThrottled(
  options: SinkRoundOptions,
  attempts: readonly Attempt[],
  now: Date,
  log: Logger,
): Promise<boolean> {
  const throttled = attempts.find((a) => a.result?.outcome === "failed" && a.result.throttled);
  if (throttled?.result?.outcome !== "failed") return false;
  const scheduled = options.sink.retryDelayMs(throttled.claim.attempts + 1, options.random);
  const delayMs = retryDelayMs(scheduled, throttled.result.retryAfterMs);
  const until = new Date(now.getTime() + delayMs);
  await pauseSink(options.db, options.sink.name, until);
  log.warn({ pausedUntil: until, delayMs }, "the receiver is rate-limiting (429); sink paused");
  return true;
}

/** A 410 disables the sink and makes its pending deliveries dead. */
async function disableIfGone(
  options: SinkRoundOptions,
  attempts: readonly Attempt[],
  now: Date,
  log: Logger,
): Promise<boolean> {
  if (!attempts.some((a) => a.result?.outcome === "gone")) return false;
  const name = options.sink.name;
  const reason = `receiver answered 410 Gone at ${now.toISOString()}`;
  const change = await changeSinkStatus(options.db, name, "disabled", reason, now);
  log.error(
    { deadDeliveries: change.deadDeliveries },
    `${name} answered 410 Gone: delivery to it is disabled and its pending deliveries are dead. ` +
      `Once the receiver is back, run \`novita-file-sync events redeliver --dead --sink ${name}\` ` +
      "(this re-enables it); to drop it, remove it from the configuration and run " +
      `\`novita-file-sync events retire-sink ${name}\``,
  );
  return true;
}

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

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
