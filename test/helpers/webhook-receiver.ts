import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Socket } from "node:net";
import { Webhook } from "standardwebhooks";
import type { CloudEvent } from "../../src/events/cloud-event.js";

/** How the receiver answers a request. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Wait this long before answering (a slow receiver). */
  delayMs?: number;
}

export interface ReceivedRequest {
  headers: IncomingMessage["headers"];
  body: string;
  /** The signature checked out with `Webhook.verify`, as a consumer would check it. */
  verified: boolean;
  /** The parsed CloudEvent when verified. */
  event: CloudEvent | undefined;
  /** What the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  secret: string;
  /** Every request, in arrival order. */
  requests: ReceivedRequest[];
  /** Verified events answered with a 2xx, in arrival order. */
  accepted(): CloudEvent[];
  /** The next `times` requests get `answer`, then the default again. */
  answerNext(answer: Answer, times?: number): void;
  /** The answer for requests no `answerNext` covers (initially 200 at once). */
  answerByDefault(answer: Answer): void;
  /** Stops listening and cuts open connections: clients get connection errors. */
  goDown(): Promise<void>;
  /** Listens again on the same port. */
  comeBack(): Promise<void>;
  close(): Promise<void>;
}

export function makeWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** A webhook receiver on 127.0.0.1 that verifies Standard Webhooks signatures. */
export async function startWebhookReceiver(
  options: { secret?: string; path?: string } = {},
): Promise<WebhookReceiver> {
  const secret = options.secret ?? makeWebhookSecret();
  const verifier = new Webhook(secret);
  const requests: ReceivedRequest[] = [];
  const queued: Answer[] = [];
  let fallback: Answer = { status: 200 };
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          const answer = queued.shift() ?? fallback;
          let event: CloudEvent | undefined;
          try {
            event = verifier.verify(body, request.headers as Record<string, string>) as CloudEvent;
          } catch {
            event = undefined;
          }
          const status = event === undefined ? 401 : answer.status;
          requests.push({
            headers: request.headers,
            body,
            verified: event !== undefined,
            event,
            status,
          });
          const send = () => {
            if (response.destroyed) return;
            response.writeHead(status, answer.headers ?? {});
            response.end();
          };
          if (answer.delayMs === undefined) send();
          else setTimeout(send, answer.delayMs);
        });
      });
      next.on("connection", (socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
      });
      next.once("error", reject);
      next.listen(port, "127.0.0.1", () => {
        const address = next.address();
        port = typeof address === "object" && address !== null ? address.port : port;
        server = next;
        resolve();
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = undefined;
      if (current === undefined) return resolve();
      current.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  await listen();
  return {
    url: `http://127.0.0.1:${port}${options.path ?? "/hooks/novita"}`,
    secret,
    requests,
    accepted: () =>
      requests
        .filter((r) => r.event !== undefined && r.status >= 200 && r.status < 300)
        .map((r) => r.event as CloudEvent),
    answerNext: (answer, times = 1) => {
      for (let i = 0; i < times; i++) queued.push(answer);
    },
    answerByDefault: (answer) => {
      fallback = answer;
    },
    goDown: stop,
    comeBack: listen,
    close: stop,
  };
}
