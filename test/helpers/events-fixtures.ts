import { afterEach, beforeAll } from "vitest";
import { registerSinks } from "../../src/db/tables/event-sinks.js";
import type { DispatcherOptions } from "../../src/events/dispatcher.js";
import type { EventSink } from "../../src/events/sinks.js";
import { makeWebhookSink } from "../../src/events/webhook-sink.js";
import { silentLogger } from "../../src/logging/logger.js";
import { type DispatchSummary, runDispatcherOnce } from "./run-dispatcher-once.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.js";

export const testEnvelope = {
  source: "urn:novita-file-sync:test",
  typePrefix: "ai.novita.filesync",
};

export interface EventSpec {
  type?: string;
  fileId?: string | null;
  data?: unknown;
}

/** Writes one outbox event as the sync would (one committed statement); returns id and seq. */
export async function insertEvent(
  db: Pick<TestDatabase, "query">,
  spec: EventSpec = {},
): Promise<{ id: string; seq: number }> {
  const [row] = await db.query<{ id: string; seq: number }>(
    `INSERT INTO events (type, file_id, data) VALUES ($1, $2, $3) RETURNING id, seq`,
    [
      spec.type ?? "file.created",
      spec.fileId === undefined ? "file-a" : spec.fileId,
      JSON.stringify(spec.data ?? { filename: "a.jsonl" }),
    ],
  );
  if (row === undefined) throw new Error("insert returned no row");
  return row;
}

/** Writes events one after another, each committed on its own. */
export async function insertEvents(db: TestDatabase, specs: EventSpec[]) {
  const rows = [];
  for (const spec of specs) rows.push(await insertEvent(db, spec));
  return rows;
}

export interface DeliveryRow {
  event_id: string;
  sink: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  delivered_at: Date | null;
  seq: number;
  file_id: string | null;
}

export function deliveryRows(db: TestDatabase, sink?: string): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(
    `SELECT event_id, sink, status, attempts, next_attempt_at, last_error, delivered_at, seq, file_id
       FROM event_deliveries WHERE $1::text IS NULL OR sink = $1 ORDER BY seq, sink`,
    [sink ?? null],
  );
}

/** Makes every scheduled retry (and every 429 pause) due now, instead of sleeping. */
export async function backdateRetries(db: TestDatabase): Promise<void> {
  await db.query(
    `UPDATE event_deliveries SET next_attempt_at = now() - interval '1 second'
      WHERE status = 'pending' AND next_attempt_at > now() - interval '1 second'`,
  );
  await db.query("UPDATE event_sinks SET paused_until = NULL");
}

export function webhookSinkFor(
  receiver: WebhookReceiver,
  overrides: { maxAttempts?: number; timeoutMs?: number; concurrency?: number } = {},
): EventSink {
  return makeWebhookSink({
    url: receiver.url,
    secret: receiver.secret,
    timeoutMs: overrides.timeoutMs ?? 2_000,
    maxAttempts: overrides.maxAttempts ?? 8,
    ...(overrides.concurrency === undefined ? {} : { concurrency: overrides.concurrency }),
  });
}

export function dispatcherOptions(
  db: TestDatabase,
  sinks: EventSink[],
  overrides: Partial<DispatcherOptions> = {},
): DispatcherOptions {
  return {
    prisma: db.prisma,
    sinks,
    envelope: testEnvelope,
    logger: silentLogger,
    batchSize: 50,
    ...overrides,
  };
}

/** Registers the sinks, as a dispatcher does when it starts (before events are written). */
export async function registerTestSinks(db: TestDatabase, sinks: EventSink[]): Promise<void> {
  await registerSinks(
    db.prisma,
    sinks.map((s) => s.name),
    new Date(),
  );
}

/**
 * Runs rounds until one claims nothing, making retries due before each; at most `maxRounds`.
 * Returns every round's summary.
 */
export async function dispatchUntilIdle(
  db: TestDatabase,
  options: DispatcherOptions,
  maxRounds = 20,
): Promise<DispatchSummary[]> {
  const rounds: DispatchSummary[] = [];
  for (let round = 0; round < maxRounds; round++) {
    await backdateRetries(db);
    const summary = await runDispatcherOnce(options);
    rounds.push(summary);
    if (summary.claimed === 0) return rounds;
  }
  throw new Error(`deliveries were still being claimed after ${maxRounds} rounds`);
}

export interface DeliveryTestBed {
  /** The test file's database (set before the first test). */
  readonly db: TestDatabase;
  /** A webhook receiver that is closed after the test. */
  receiver(options?: { path?: string }): Promise<WebhookReceiver>;
}

/**
 * The shared set-up of the delivery tests: one database for the file; after each test the
 * receivers it started are closed and the outbox is emptied.
 */
export function useDeliveryTestBed(): DeliveryTestBed {
  let db: TestDatabase | undefined;
  const receivers: WebhookReceiver[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    for (const receiver of receivers.splice(0)) await receiver.close();
    await db?.query("TRUNCATE events, event_deliveries, event_sinks");
  });
  return {
    get db() {
      if (db === undefined) throw new Error("the test database is created in beforeAll");
      return db;
    },
    async receiver(options = {}) {
      const started = await startWebhookReceiver(options);
      receivers.push(started);
      return started;
    },
  };
}
