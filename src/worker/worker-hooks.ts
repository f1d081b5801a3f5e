import { archiveOnce } from "../archive/archive-once.js";
import { type Archiver, startArchiver } from "../archive/archiver.js";
import { makeArchiveDependencies } from "../archive/make-archive-dependencies.js";
import { type Config, requireApiKey } from "../config/config.js";
import type { Database } from "../db/open-database.js";
import { buildSinks, startDispatcher } from "../events/index.js";
import { makeScheduledExpiryScan } from "../expiry/index.js";
import type { Logger } from "../logging/logger.js";
import type { WorkerMetrics } from "./metrics.js";
import type { WorkerHooks, WorkerPart } from "./start-worker.js";

/** The expiry scan, archiving and the event dispatcher, wired from configuration. */
export function makeWorkerHooks(config: Config, database: Database, logger: Logger): WorkerHooks {
  const scan = makeScheduledExpiryScan({
    db: database.prisma,
    windowsMs: config.expiry.windowsMs,
    logger,
  });
  let archiver: Archiver | undefined;
  return {
    scan: async () => {
      await scan();
    },
    // New outputs are archived right after the sync that found them, not at the next schedule.
    afterSync: () => archiver?.nudge(),
    startParts: async (metrics: WorkerMetrics) => {
      const parts = startArchiving(config, database, logger);
      archiver = parts[0]?.archiver;
      return [...parts, ...(await startDispatching(config, database, logger, metrics))];
    },
  };
}

function startArchiving(
  config: Config,
  database: Database,
  logger: Logger,
): (WorkerPart & { archiver: Archiver })[] {
  if (config.archive.purposes.length === 0) return [];
  const abort = new AbortController();
  const deps = makeArchiveDependencies(config, requireApiKey(config), database.prisma, logger, {
    signal: abort.signal,
  });
  const archiver = startArchiver({
    pass: () => archiveOnce({ ...deps, signal: abort.signal }),
    schedule: config.archive.schedule,
    timezone: config.sync.timezone,
    logger,
  });
  logger.info(
    { purposes: config.archive.purposes, store: deps.store.name },
    "archiving batch files before they expire",
  );
  const stop = async () => {
    abort.abort();
    await archiver.stop();
  };
  return [{ name: "archiver", archiver, stop }];
}

async function startDispatching(
  config: Config,
  database: Database,
  logger: Logger,
  metrics: WorkerMetrics,
): Promise<WorkerPart[]> {
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
}
