import type { Config } from "../config/config.js";
import type { Database } from "../db/open-database.js";
import { buildSinks, startDispatcher } from "../events/index.js";
import { makeScheduledExpiryScan } from "../expiry/index.js";
import type { Logger } from "../logging/logger.js";
import type { WorkerMetrics } from "./metrics.js";
import type { WorkerHooks } from "./start-worker.js";

/** The expiry scan and the event dispatcher, wired from configuration. */
export function makeWorkerHooks(config: Config, database: Database, logger: Logger): WorkerHooks {
  const scan = makeScheduledExpiryScan({
    db: database.prisma,
    windowsMs: config.expiry.windowsMs,
    logger,
  });
  return {
    scan: async () => {
      await scan();
    },
    startParts: async (metrics: WorkerMetrics) => {
      const sinks = buildSinks(config.events, logger);
      if (sinks.length === 0) {
        logger.info(
          "no WEBHOOK_URL or NATS_URL set: events stay in the outbox and go out by NOTIFY only",
        );
        return [];
      }
      const dispatcher = await startDispatcher({
        prisma: database.prisma,
        listenPool: database.pool,
        sinks,
        envelope: { source: config.events.source, typePrefix: config.events.typePrefix },
        logger,
        batchSize: config.events.batchSize,
        pollIntervalMs: config.events.pollIntervalMs,
        onDelivery: (report) => metrics.recordDelivery(report),
      });
      logger.info({ sinks: sinks.map((s) => s.name) }, "event dispatcher started");
      return [{ name: "event dispatcher", stop: () => dispatcher.stop() }];
    },
  };
}
