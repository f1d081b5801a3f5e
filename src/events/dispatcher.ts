import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { readDatabaseClock } from "../db/clock.js";
import { type ListenPool, listenForEvents } from "../db/listen-for-events.js";
import type { Db, PrismaClient } from "../db/prisma.js";
import { registerSinks } from "../db/tables/event-sinks.js";
import { coerceError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import { backoffDelayMs, restartBackoff } from "../retry/backoff.js";
import { makeWakeSignal, sleepUnless, type WakeSignal } from "../time/wake-signal.js";
import type { CloudEventEnvelope } from "./cloud-event.js";
import { runSinkOnce } from "./dispatch-round.js";
import type { DeliveryReporter } from "./report-outcomes.js";
import type { EventSink } from "./sinks.js";

export interface DispatcherOptions {
  prisma: PrismaClient;
  sinks: readonly EventSink[];
  /** CloudEvents `source` and type prefix (config.events.source / typePrefix). */
  envelope: CloudEventEnvelope;
  logger: Logger;
  /** Deliveries claimed per sink per round (config.events.batchSize). */
  batchSize: number;
  /** Written to event_deliveries.locked_by; default `<host>:<pid>:<random>`. */
  dispatcherId?: string;
  /** How long a claim is held before another dispatcher may take it over. */
  leaseMs?: number;
  /**
   * The clock for claims, leases and retry times. Default: the system clock for
   * a single round (tests); the database's clock for startDispatcher (see makeDatabaseClock).
   */
  now?: () => Date;
  /** For retry jitter. Default Math.random. */
  random?: () => number;
  /** Called once per recorded attempt (metrics: deliveries by sink and outcome). */
  onDelivery?: DeliveryReporter;
}

export function defaultDispatcherId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export interface StartDispatcherOptions extends DispatcherOptions {
  /** Where the LISTEN connection comes from (the one raw pg use of the dispatcher). */
  listenPool: ListenPool;
  /** Fallback when no notification arrives (config.events.pollIntervalMs). */
  pollIntervalMs: number;
}

export interface DispatcherHandle {
  readonly dispatcherId: string;
  /** Starts a round for every sink now (a NOTIFY does this for every committed event). */
  wake(): void;
  /**
   * Stops: no new delivery starts, claimed ones not yet started are released, those in flight
   * finish (each bounded by its timeout) and are recorded; then the LISTEN connection and the
   * sinks are closed. With `{ force: true }` (or when called again with it) in-flight deliveries
   * are abandoned and released instead: they will be sent again, possibly a second time.
   */
  stop(options?: { force?: boolean }): Promise<void>;
}

/**
 * Registers the sinks (so events written from now on get delivery rows; call this before the
 * first sync), then runs one loop per sink, so a slow or failing receiver never holds up the
 * others. Each loop runs a round, goes again at once while it finds work, and otherwise waits
 * for a NOTIFY on novita_file_events or the poll interval. The loops never throw: errors are
 * logged and retried with a capped backoff. Throws only if the registration fails.
 */
export async function startDispatcher(options: StartDispatcherOptions): Promise<DispatcherHandle> {
  const dispatcherId = options.dispatcherId ?? defaultDispatcherId();
  // Without an injected clock, the database's: see makeDatabaseClock. Measured before each round.
  const clock = options.now === undefined ? makeDatabaseClock(options.prisma) : undefined;
  await clock?.refresh();
  const now = options.now ?? clock?.now ?? (() => new Date());
  const log = options.logger.child({ dispatcherId });
  const registrations = await registerSinks(
    options.prisma,
    options.sinks.map((s) => s.name),
    now(),
  );
  for (const registration of registrations) {
    if (registration.isNew) {
      log.info(
        { sink: registration.sink },
        "sink registered: events written from now on are delivered to it (earlier ones only on `events redeliver --since`)",
      );
    } else if (registration.status === "disabled") {
      log.warn(
        { sink: registration.sink, reason: registration.reason },
        "sink is disabled; nothing is sent to it until `events redeliver --dead --sink <sink>`",
      );
    }
  }

  let stopping = false;
  const force = new AbortController();
  let markStopping: () => void = () => {};
  const whenStopping = new Promise<void>((resolve) => {
    markStopping = resolve;
  });
  const signals = options.sinks.map(() => makeWakeSignal());
  const wakeAll = () => {
    for (const signal of signals) signal.wake();
  };
  const listener = listenForEvents({
    pool: options.listenPool,
    logger: log,
    onEvent: wakeAll,
    onListening: wakeAll,
  });
  const loops = options.sinks.map((sink, index) => runSinkLoop(sink, signals[index] as WakeSignal));
  log.info(
    { sinks: options.sinks.map((s) => s.name), pollIntervalMs: options.pollIntervalMs },
    "event dispatcher started",
  );

  async function runSinkLoop(sink: EventSink, wakeSignal: WakeSignal): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        await clock?.refresh();
        const round = await runSinkOnce({
          db: options.prisma,
          sink,
          envelope: options.envelope,
          dispatcherId,
          batchSize: options.batchSize,
          now,
          random: options.random ?? Math.random,
          logger: log,
          isStopping: () => stopping,
          signal: force.signal,
          ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
          ...(options.onDelivery === undefined ? {} : { onDelivery: options.onDelivery }),
        });
        failures = 0;
        // Work found: more may be due right away (later events of the files just delivered).
        if (round.claimed > 0) continue;
        await wakeSignal.wait(options.pollIntervalMs);
      } catch (error) {
        failures += 1;
        const delayMs = backoffDelayMs(failures, restartBackoff);
        log.error(
          { err: coerceError(error), sink: sink.name, attempt: failures, retryInMs: delayMs },
          "event dispatch round failed; retrying",
        );
        // Not the wake signal: a stream of notifications must not cut the backoff short.
        await sleepUnless(whenStopping, delayMs);
      }
    }
  }

  let stopped: Promise<void> | undefined;
  return {
    dispatcherId,
    wake: wakeAll,
    stop(stopOptions = {}) {
      if (stopOptions.force === true) force.abort();
      stopped ??= (async () => {
        stopping = true;
        markStopping();
        wakeAll();
        await Promise.all(loops);
        await listener.close();
        await Promise.all(options.sinks.map((s) => s.close().catch(() => {})));
        log.info("event dispatcher stopped");
      })();
      return stopped;
    },
  };
}

export interface DatabaseClock {
  /** The database's time, read as this process's clock plus the last measured offset. */
  now(): Date;
  /** Measures the offset again (one `SELECT clock_timestamp()`). */
  refresh(): Promise<void>;
}

/**
 * The dispatcher's default clock. Delivery rows become due at the database's time of the event's
 * commit (`next_attempt_at` defaults to it), so a dispatcher that compared them with its own
 * clock would hold every new event back by as much as that clock is behind. Following the
 * database's clock keeps every due, lease and pause time on one clock.
 */
export function makeDatabaseClock(db: Db): DatabaseClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    async refresh() {
      const before = Date.now();
      const databaseNow = await readDatabaseClock(db);
      const after = Date.now();
      offsetMs = databaseNow.getTime() - (before + after) / 2;
    },
  };
}
