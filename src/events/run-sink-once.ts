import type { Logger } from "../logging/logger.js";
import { changeSinkStatus } from "./change-sink-status.js";
import { claimDeliveries } from "./claim-deliveries.js";
import type { CloudEventEnvelope } from "./cloud-event.js";
import { type Attempt, deliverClaims } from "./deliver-claims.js";
import type { DeliveryReporter } from "./delivery-report.js";
import type { EventSink } from "./event-sink.js";
import { pauseSink } from "./pause-sink.js";
import { planOutcome } from "./plan-outcome.js";
import type { Queryable } from "./queryable.js";
import { type DeliveryOutcome, recordOutcomes, releaseDeliveries } from "./record-outcomes.js";
import { reportOutcomes } from "./report-outcomes.js";
import { retryDelayMs } from "./retry-schedule.js";

export interface SinkRoundOptions {
  db: Queryable;
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
