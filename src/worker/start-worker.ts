import { type ScheduledTask, schedule, setRunCoordinator } from "node-cron";
import type { Config } from "../config/config.js";
import type { Database } from "../db/open-database.js";
import { findLatestAppliedRun } from "../db/tables/sync-runs.js";
import type { Logger } from "../logging/logger.js";
import { checkEventRetention, makeScheduledPrune } from "../retention/index.js";
import { makeSyncDependencies } from "../sync/make-sync-dependencies.js";
import { startHttpServer } from "./http-server.js";
import { makeWorkerMetrics, type WorkerMetrics } from "./metrics.js";
import { makePostgresRunCoordinator, pruneCronFires } from "./run-coordinator.js";
import { decideStartupTrigger, previousFire } from "./startup-trigger.js";
import { makeSyncJob } from "./sync-job.js";

/** A background part of the worker that starts with it and stops on shutdown. */
export interface WorkerPart {
  name: string;
  stop(): Promise<void>;
}

export interface WorkerHooks {
  /** Runs after every sync and on EXPIRY_SCAN_SCHEDULE (the expiry scan). */
  scan?: () => Promise<void>;
  /** Runs after every sync, after `scan` (archiving is nudged here). */
  afterSync?: () => void;
  /** Started with the worker, before any sync (the event dispatcher registers its sinks). */
  startParts?: (metrics: WorkerMetrics) => Promise<WorkerPart[]>;
}

export interface Worker {
  httpPort: number;
  /** Graceful stop: no new fires, the running sync finishes (bounded), parts stop, HTTP closes. */
  stop(): Promise<void>;
}

/** Starts the worker on an open (migrated) database. */
export async function startWorker(
  config: Config,
  database: Database,
  logger: Logger,
  hooks: WorkerHooks = {},
): Promise<Worker> {
  checkEventRetention(config.retention.eventRetentionMs, config.expiry.windowsMs);
  const abort = new AbortController();
  const metrics = makeWorkerMetrics(database.prisma, config.expiry.windowsMs);
  const syncDeps = makeSyncDependencies(config, database, logger, {
    onRequest: (info) => metrics.recordApiRequest(info),
    signal: abort.signal,
  });
  const scan = hooks.scan;
  const afterSync = async () => {
    await scan?.();
    hooks.afterSync?.();
  };
  const job = makeSyncJob({ deps: syncDeps, metrics, logger, afterSync });
  const http = await startHttpServer({
    port: config.httpPort,
    host: config.httpHost,
    db: database.prisma,
    metrics,
    staleAfterMs: config.sync.staleAfterMs,
    logger,
  });

  // Parts first: the dispatcher's sinks must be registered before the first event is written.
  const parts = (await hooks.startParts?.(metrics)) ?? [];
  // The startup (or catch-up) run starts before the schedules, so a fire at the same moment finds
  // it running instead of taking its place.
  const startupTrigger = await decideStartup(config, database, logger);
  if (startupTrigger !== null) void job.run(startupTrigger);
  setRunCoordinator(makePostgresRunCoordinator(database.prisma));
  const cronLogger = {
    info: (m: string) => logger.debug({ cron: m }, "node-cron"),
    warn: (m: string) => logger.warn({ cron: m }, "node-cron"),
    error: (m: string | Error, err?: Error) => logger.error({ err: err ?? m }, "node-cron"),
    debug: (m: string | Error) => logger.debug({ cron: String(m) }, "node-cron"),
  };
  const tasks: ScheduledTask[] = [
    schedule(
      config.sync.schedule,
      async () => {
        await job.run("cron");
        await pruneCronFires(database.prisma).catch(() => {});
      },
      {
        name: "sync",
        timezone: config.sync.timezone,
        noOverlap: true,
        distributed: true,
        logger: cronLogger,
      },
    ),
  ];
  const prune = makeScheduledPrune({
    prisma: database.prisma,
    eventRetentionMs: config.retention.eventRetentionMs,
    runRetentionMs: config.retention.runRetentionMs,
    expiryWindowsMs: config.expiry.windowsMs,
    logger,
  });
  tasks.push(
    schedule(config.retention.schedule, async () => void (await prune()), {
      name: "retention",
      timezone: config.sync.timezone,
      noOverlap: true,
      distributed: true,
      logger: cronLogger,
    }),
  );
  if (scan !== undefined) {
    tasks.push(
      schedule(
        config.expiry.scanSchedule,
        () => scan().catch((error: unknown) => logger.error({ err: error }, "expiry scan failed")),
        {
          name: "expiry-scan",
          timezone: config.sync.timezone,
          noOverlap: true,
          distributed: true,
          logger: cronLogger,
        },
      ),
    );
  }

  return {
    httpPort: http.port,
    async stop() {
      for (const task of tasks) await task.stop();
      if (job.busy()) {
        logger.info(
          { timeoutMs: config.shutdownTimeoutMs },
          "waiting for the running sync to finish",
        );
        const finished = await Promise.race([
          job.idle().then(() => true),
          new Promise<boolean>((resolve) =>
            setTimeout(resolve, config.shutdownTimeoutMs, false).unref(),
          ),
        ]);
        if (!finished) {
          logger.warn(
            "the running sync did not finish within SHUTDOWN_TIMEOUT_MS; aborting it (nothing of it is applied)",
          );
          abort.abort();
          await job.idle();
        }
      }
      for (const part of parts) {
        await part
          .stop()
          .catch((error: unknown) =>
            logger.warn({ err: error, part: part.name }, "stopping failed"),
          );
      }
      for (const task of tasks) await task.destroy();
      setRunCoordinator(undefined);
      await http.close();
    },
  };
}

async function decideStartup(config: Config, database: Database, logger: Logger) {
  try {
    // A run that failed or was abandoned took no listing in: a fire it belonged to still counts
    // as missed, so the worker catches up.
    const latest = await findLatestAppliedRun(database.prisma);
    const trigger = decideStartupTrigger({
      lastRunStartedAt: latest?.startedAt ?? null,
      previousFireAt: previousFire(config.sync.schedule, config.sync.timezone, new Date()),
      syncOnStart: config.sync.onStart,
    });
    if (trigger === "catch-up")
      logger.info("missed scheduled syncs while down; running one catch-up sync");
    return trigger;
  } catch (error) {
    logger.warn({ err: error }, "could not decide on a startup sync; waiting for the schedule");
    return null;
  }
}
