import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import type { CloudEvent } from "../events/cloud-event.js";

export interface DemoWebhookReceiver {
  /** http://127.0.0.1:PORT/webhooks/novita */
  url: string;
  close(): Promise<void>;
}

const path = "/webhooks/novita";
const maxBodyBytes = 1024 * 1024;

/**
 * A webhook consumer as a user would write one: it verifies each request's Standard Webhooks
 * signature with `Webhook.verify` and answers 204, or 401 when the signature does not check out
 * (the sender retries; a forged request is never accepted). Listens on 127.0.0.1 only.
 */
export async function startDemoWebhookReceiver(options: {
  secret: string;
  onEvent: (event: CloudEvent) => void;
  onRejected: (reason: string) => void;
}): Promise<DemoWebhookReceiver> {
  const verifier = new Webhook(options.secret);
  const server = createServer((request, response) => {
    if (request.method !== "POST" || request.url !== path) {
      response.writeHead(404).end();
      return;
    }
    readBody(request).then(
      (body) => {
        let event: CloudEvent;
        try {
          event = verifier.verify(body, request.headers as Record<string, string>) as CloudEvent;
        } catch (error) {
          options.onRejected((error as Error).message);
          response.writeHead(401).end();
          return;
        }
        response.writeHead(204).end();
        options.onEvent(event);
      },
      () => response.writeHead(413).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBodyBytes) {
        request.destroy();
        reject(new Error("body too large"));
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
