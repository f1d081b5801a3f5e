import { createServer, type Server } from "node:http";
import type { Db } from "../db/prisma.js";
import type { Logger } from "../logging/logger.js";
import type { WorkerMetrics } from "./metrics.js";
import { checkReadiness } from "./readiness.js";

/**
 * Serves `GET /healthz` (the process is alive), `GET /readyz` (see checkReadiness) and
 * `GET /metrics` (Prometheus text format).
 */
export async function startHttpServer(options: {
  port: number;
  host?: string;
  db: Db;
  metrics: WorkerMetrics;
  staleAfterMs: number;
  logger: Logger;
}): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const { db, metrics, logger } = options;
  const server = createServer((req, res) => {
    const send = (status: number, body: string, type = "application/json") => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD")
      return send(405, '{"error":"method not allowed"}');
    if (path === "/healthz") return send(200, '{"status":"ok"}');
    if (path === "/readyz") {
      checkReadiness(db, options.staleAfterMs).then(
        (readiness) => send(readiness.ready ? 200 : 503, JSON.stringify(readiness)),
        (error: unknown) => send(503, JSON.stringify({ ready: false, error: String(error) })),
      );
      return;
    }
    if (path === "/metrics") {
      metrics.registry.metrics().then(
        (text) => send(200, text, metrics.registry.contentType),
        (error: unknown) => {
          logger.warn({ err: error }, "collecting metrics failed");
          send(500, `# collecting metrics failed: ${(error as Error).message}\n`, "text/plain");
        },
      );
      return;
    }
    send(404, '{"error":"not found; try /healthz, /readyz or /metrics"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  logger.info({ port }, "serving /healthz, /readyz and /metrics");
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
