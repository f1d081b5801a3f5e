import type pg from "pg";
import { coerceError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import { backoffDelayMs, restartBackoff } from "../retry/backoff.js";
import { makeWakeSignal } from "../time/wake-signal.js";

/** The channel the `events` trigger notifies, in the writing transaction, on commit. */
export const eventsChannel = "novita_file_events";

/** The NOTIFY payload: small on purpose; read the row for the rest. */
export interface EventNotification {
  id: string;
  seq: number;
  type: string;
  file_id: string | null;
}

export interface EventListener {
  close(): Promise<void>;
}

/** The pool LISTEN takes its connection from (the one raw pg connection held for a while). */
export type ListenPool = pg.Pool;

export interface ListenOptions {
  pool: ListenPool;
  logger: Logger;
  onEvent: (notification: EventNotification) => void;
  /** After every (re)connection: events committed while not listening were not heard. */
  onListening?: () => void;
}

/**
 * An exception to "the Prisma client is the front door" (see docs/architecture.md): Prisma has no
 * LISTEN, and a LISTEN needs one connection held for as long as it listens.
 *
 * Holds one connection from the pool in LISTEN on `novita_file_events` and reconnects with a
 * capped backoff when it drops. Never throws; the poll interval covers the gaps.
 */
export function listenForEvents(options: ListenOptions): EventListener {
  let closed = false;
  const closing = makeWakeSignal();
  let markClosed: () => void = () => {};
  const whenClosed = new Promise<undefined>((resolve) => {
    markClosed = () => resolve(undefined);
  });
  const loop = (async () => {
    let failures = 0;
    while (!closed) {
      let client: pg.PoolClient | undefined;
      try {
        client = await options.pool.connect();
        const current = client;
        const lost = new Promise<Error>((resolve) => {
          current.on("error", resolve);
          current.on("end", () => resolve(new Error("the LISTEN connection ended")));
        });
        current.on("notification", (message) => {
          if (message.channel !== eventsChannel || message.payload === undefined) return;
          try {
            options.onEvent(JSON.parse(message.payload) as EventNotification);
          } catch (error) {
            options.logger.warn({ err: error }, "ignored an unreadable event notification");
          }
        });
        await current.query(`LISTEN ${eventsChannel}`);
        failures = 0;
        options.onListening?.();
        const reason = await Promise.race([lost, whenClosed]);
        if (reason !== undefined) throw reason;
      } catch (error) {
        if (closed) break;
        failures += 1;
        const delayMs = backoffDelayMs(failures, restartBackoff);
        options.logger.warn(
          { err: coerceError(error), attempt: failures, retryInMs: delayMs },
          "lost the LISTEN connection for events; polling until it is back",
        );
        client?.release(true);
        client = undefined;
        await closing.wait(delayMs);
      } finally {
        // A connection that LISTENs must not go back to the pool.
        client?.release(true);
      }
    }
  })();
  return {
    close: async () => {
      closed = true;
      markClosed();
      closing.wake();
      await loop;
    },
  };
}
