import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "../logging/logger.js";
import { cloudEventContentType } from "./cloud-event.js";
import { natsRetryDelaysMs, scheduledDelayMs } from "./retry-policy.js";
import {
  type DeliveryResult,
  EventDeliveryError,
  type EventSink,
  natsSinkName,
  type OutgoingEvent,
} from "./sinks.js";

export interface NatsSinkOptions {
  url: string;
  /** JetStream stream, created when missing with subjects `<subjectPrefix>.>`. */
  stream: string;
  subjectPrefix: string;
  /** Bound for connecting and for each publish acknowledgement. */
  timeoutMs: number;
  logger: Logger;
  /** Publishes awaiting their acknowledgement at once. Default 32. */
  concurrency?: number;
}

interface Session {
  connection: NatsConnection;
  manager: JetStreamManager;
  client: JetStreamClient;
  /** Memoized stream check; dropped after a failed publish so the next one checks again. */
  streamReady: Promise<void> | undefined;
}

/**
 * Publishes each event to `<subjectPrefix>.<event type>` with the event id as `Nats-Msg-Id`, so
 * JetStream drops a re-publish within the stream's duplicate window. A delivery counts only once
 * the stream acknowledged it. Connects on first use and keeps the connection.
 */
export function makeNatsSink(options: NatsSinkOptions): EventSink {
  const streamSubject = `${options.subjectPrefix}.>`;
  let session: Promise<Session> | undefined;
  const name = natsSinkName(options.stream);
  const log = options.logger.child({ sink: name });

  return {
    name,
    concurrency: options.concurrency ?? 32,
    maxAttempts: undefined,
    timeoutMs: options.timeoutMs * 3,
    retryDelayMs: (attempt, random) => scheduledDelayMs(natsRetryDelaysMs, attempt, random),
    deliver: (event, signal) => abortable(publish(event), signal),
    close: async () => {
      const open = session;
      session = undefined;
      const current = await open?.catch(() => undefined);
      await current?.connection.close().catch(() => {});
    },
  };

  function openSession(): Promise<Session> {
    session ??= (async () => {
      const connection = await connect({
        servers: options.url,
        name: "novita-file-sync",
        timeout: options.timeoutMs,
        maxReconnectAttempts: -1,
      });
      log.info("connected to NATS");
      const manager = await jetstreamManager(connection, { timeout: options.timeoutMs });
      const client = jetstream(connection, { timeout: options.timeoutMs });
      return { connection, manager, client, streamReady: undefined };
    })().catch((error: unknown) => {
      session = undefined;
      throw error;
    });
    return session;
  }

  async function publish(event: OutgoingEvent): Promise<DeliveryResult> {
    let current: Session | undefined;
    try {
      current = await openSession();
      current.streamReady ??= ensureNatsStream(current.manager, options.stream, streamSubject);
      await current.streamReady;
      const messageHeaders = headers();
      messageHeaders.set("Content-Type", cloudEventContentType);
      await current.client.publish(`${options.subjectPrefix}.${event.type}`, event.body, {
        msgID: event.cloudEvent.id,
        timeout: options.timeoutMs,
        headers: messageHeaders,
      });
      return { outcome: "delivered" };
    } catch (thrown) {
      if (current !== undefined) current.streamReady = undefined;
      return { outcome: "failed", error: describeNatsFailure(thrown, options.url) };
    }
  }
}

async function abortable(
  work: Promise<DeliveryResult>,
  signal: AbortSignal,
): Promise<DeliveryResult> {
  if (signal.aborted) return { outcome: "aborted" };
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<DeliveryResult>((resolve) => {
    onAbort = () => resolve({ outcome: "aborted" });
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
  }
}

function describeNatsFailure(thrown: unknown, url: string): string {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.name}: ${error.message}${cause}`.split(url).join("[url]");
}

/**
 * Makes sure the stream exists and captures `subject` (e.g. `novita.files.>`): creates it with
 * that subject when missing; refuses a stream of that name that would not store our messages.
 */
export async function ensureNatsStream(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): Promise<void> {
  let subjects: string[];
  try {
    subjects = (await jsm.streams.info(stream)).config.subjects ?? [];
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) {
      await jsm.streams.add({ name: stream, subjects: [subject] });
      return;
    }
    throw error;
  }
  if (!subjects.some((pattern) => subjectCovers(pattern, subject))) {
    throw new EventDeliveryError(
      "nats_stream_mismatch",
      `NATS stream ${stream} exists but does not capture ${subject} (it has ${subjects.join(", ") || "no subjects"}); ` +
        `add ${subject} to its subjects, or set NATS_STREAM or NATS_SUBJECT_PREFIX to match`,
    );
  }
}

/** Whether every subject matched by `wanted` (which may end in `>`) is matched by `pattern`. */
export function subjectCovers(pattern: string, wanted: string): boolean {
  const have = pattern.split(".");
  const want = wanted.split(".");
  for (let i = 0; i < have.length; i++) {
    const token = have[i];
    if (token === ">") return true;
    const other = want[i];
    if (other === undefined || other === ">") return false;
    if (token !== "*" && token !== other) return false;
    if (token === "*" && other === "*") continue;
  }
  return have.length === want.length;
}
