import { randomBytes } from "node:crypto";
import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";

/** The machine's NATS server with JetStream; tests that need it skip (or, under CI, fail) without it. */
export const natsTestUrl = process.env.NATS_TEST_URL ?? "nats://127.0.0.1:4222";

async function probe(url: string): Promise<boolean> {
  try {
    const connection = await connect({ servers: url, timeout: 2_000, maxReconnectAttempts: 0 });
    try {
      await (await jetstreamManager(connection, { timeout: 2_000 })).getAccountInfo();
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

/** Whether a NATS server with JetStream answers at NATS_TEST_URL. */
export const natsAnswers = await probe(natsTestUrl);

/** Run NATS tests when NATS answers, and always under CI (where `requireNats` then fails them). */
export const skipNats = !natsAnswers && process.env.CI === undefined;

if (skipNats) {
  console.warn(`NATS tests skipped: no NATS JetStream server answers at ${natsTestUrl}`);
}

/** The suite title, carrying the reason when it is skipped. */
export function natsSuiteTitle(title: string): string {
  return skipNats
    ? `${title} (skipped: no NATS JetStream server answers at ${natsTestUrl})`
    : title;
}

/** For beforeAll: under CI an unreachable NATS fails the run instead of skipping. */
export function requireNats(): void {
  if (!natsAnswers) {
    throw new Error(
      `no NATS JetStream server answers at ${natsTestUrl} and CI is set: start one (nats-server -js) or set NATS_TEST_URL`,
    );
  }
}

/** A stream name and subject prefix no other test run uses. */
export function uniqueNatsNames(): { stream: string; subjectPrefix: string } {
  const tag = randomBytes(4).toString("hex");
  return { stream: `NFS_TEST_${tag}`, subjectPrefix: `nfstest.${tag}` };
}

export interface NatsTestClient {
  connection: NatsConnection;
  manager: JetStreamManager;
  /** Every message in the stream, in stream order, as stored. */
  readStream(
    stream: string,
  ): Promise<{ subject: string; msgId: string | undefined; body: unknown }[]>;
  close(): Promise<void>;
}

export async function openNatsTestClient(): Promise<NatsTestClient> {
  const connection = await connect({ servers: natsTestUrl, timeout: 2_000 });
  const manager = await jetstreamManager(connection, { timeout: 5_000 });
  return {
    connection,
    manager,
    async readStream(stream) {
      const info = await manager.streams.info(stream);
      const messages = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && seq > 0; seq++) {
        const message = await manager.streams.getMessage(stream, { seq });
        if (message === null) continue;
        messages.push({
          subject: message.subject,
          msgId: message.header?.get("Nats-Msg-Id"),
          body: message.json(),
        });
      }
      return messages;
    },
    close: () => connection.close(),
  };
}
