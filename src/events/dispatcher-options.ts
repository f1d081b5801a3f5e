import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type pg from "pg";
import type { Logger } from "../logging/logger.js";
import type { CloudEventEnvelope } from "./cloud-event.js";
import type { DeliveryReporter } from "./delivery-report.js";
import type { EventSink } from "./event-sink.js";

export interface DispatcherOptions {
  pool: pg.Pool;
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
   * runDispatcherOnce; the database's clock for startDispatcher (see makeDatabaseClock).
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
