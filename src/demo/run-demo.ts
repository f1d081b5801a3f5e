import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pino from "pino";
import { loadConfig } from "../config/config.js";
import { formatDuration } from "../config/duration.js";
import { openDatabase } from "../db/open-database.js";
import type { Db } from "../db/prisma.js";
import { countPendingDeliveriesBySink } from "../db/tables/event-deliveries.js";
import { ConfigError } from "../errors.js";
import { webhookSinkName } from "../events/index.js";
import { makeLogger } from "../logging/logger.js";
import { findFreePort } from "../net/find-free-port.js";
import { startSimulator } from "../simulator/index.js";
import { startWorker } from "../worker/start-worker.js";
import { makeWorkerHooks } from "../worker/worker-hooks.js";
import { readDemoCounts, watchDemoCounts } from "./demo-counts.js";
import { assertEmptyMirror, startDemoPostgres } from "./demo-database.js";
import { demoEnvironment } from "./demo-environment.js";
import { makeDemoEventTally } from "./demo-event-tally.js";
import { demoStartingFiles, makeDemoScript } from "./demo-script.js";
import { type DemoResult, formatDemoSummary } from "./demo-summary.js";
import { demoTiming } from "./demo-timing.js";
import { startDemoWebhookReceiver } from "./demo-webhook-receiver.js";
import { formatDemoBanner } from "./format-demo-banner.js";
import { formatDemoEventLine, formatScriptLine } from "./format-demo-line.js";
import { runDemoScript } from "./run-demo-script.js";

export interface DemoOptions {
  /** Stop this long after the worker started. Without it, the demo runs until `signal` aborts. */
  durationMs?: number;
  /** Runs the script, the schedules and the warning windows this many times faster. Default 1. */
  speed?: number;
  /** Aborting it stops the demo (the CLI aborts on SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Read: DATABASE_URL (else the demo's embedded PostgreSQL under DATA_DIR/demo), DATA_DIR, EVENT_TYPE_PREFIX, EVENT_SOURCE. */
  env?: NodeJS.ProcessEnv;
  /** Where the banner, event lines and summary go. Default: stdout. */
  write?: (text: string) => void;
  /** The worker's log level. Default warn, so the event lines stay readable. */
  logLevel?: string;
  /** Where the worker's logs go. Default: stderr. */
  logDestination?: pino.DestinationStream;
}

/** The largest batch output among the demo's starting files (they are all archived). */
const demoOutputMaxBytes = 256 * 1024;

/** Seed of the starting files: the same 40 files every time. */
const filesSeed = 7;

/**
 * The demo: the simulator, a PostgreSQL, the worker (in this process) on a fast schedule and a
 * webhook receiver that verifies and prints every event, while a script changes the simulator's
 * files so that every event type shows. Stops on `signal` or after `durationMs`, prints a
 * summary and resolves with it; every part it started is stopped, also when it fails.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  if (options.durationMs === undefined && options.signal === undefined) {
    throw new RangeError("runDemo needs durationMs or signal, or it would never stop");
  }
  const timing = demoTiming(options.speed ?? 1);
  const env = options.env ?? process.env;
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const logLevel = options.logLevel ?? "warn";
  if (logLevel !== "silent" && pino.levels.values[logLevel] === undefined) {
    throw new ConfigError(
      `Invalid log level "${logLevel}"; use fatal, error, warn, info, debug, trace or silent`,
    );
  }
  const apiKey = `sk-demo-${randomBytes(12).toString("hex")}`;
  const webhookSecret = `whsec_${randomBytes(24).toString("base64")}`;
  const logger = makeLogger({
    level: logLevel,
    secrets: [apiKey, webhookSecret],
    destination: options.logDestination ?? (await stderrDestination()),
  });
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    let databaseUrl = env.DATABASE_URL?.trim() || undefined;
    let embeddedDataDir: string | undefined;
    if (databaseUrl === undefined) {
      embeddedDataDir = resolve(env.DATA_DIR?.trim() || "./.data", "demo");
      const embedded = await startDemoPostgres(embeddedDataDir, logger);
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
    }
    const simulator = await startSimulator({ apiKey, seed: filesSeed });
    cleanups.push(() => simulator.close());
    simulator.store.generate(demoStartingFiles, { seed: filesSeed });
    // Generated outputs run up to 50 MB; the demo archives its outputs, so keep them small.
    for (const file of simulator.store.list()) {
      if (file.purpose === "batch_output" && file.bytes > demoOutputMaxBytes) {
        simulator.store.update(file.id, { bytes: 1_000 + (file.bytes % demoOutputMaxBytes) });
      }
    }

    let typePrefix = "";
    let workerStartedAt = Date.now();
    const tally = makeDemoEventTally(() => typePrefix);
    let rejected = 0;
    let announced = false;
    const receiver = await startDemoWebhookReceiver({
      secret: webhookSecret,
      onEvent: (event) => {
        if (!tally.add(event)) return;
        write(`${formatDemoEventLine(event, typePrefix)}\n`);
        if (tally.missing().length === 0 && !announced) {
          announced = true;
          write(allShownLine(Date.now() - workerStartedAt, options.durationMs !== undefined));
        }
      },
      onRejected: (reason) => {
        rejected += 1;
        logger.warn({ reason }, "the webhook receiver refused a request: signature did not verify");
      },
    });
    cleanups.push(() => receiver.close());

    const httpPort = await findFreePort();
    const config = loadConfig(
      demoEnvironment({
        timing,
        databaseUrl,
        simulator: { baseUrl: simulator.baseUrl, apiKey },
        webhook: { url: receiver.url, secret: webhookSecret },
        httpPort,
        logLevel,
        archiveDir: resolve(env.DATA_DIR?.trim() || "./.data", "demo", "archive"),
        userEnv: env,
      }),
    );
    typePrefix = config.events.typePrefix;
    const database = await openDatabase(config, logger, { migrate: true });
    cleanups.push(() => database.close());
    if (embeddedDataDir === undefined) await assertEmptyMirror(database.prisma);

    write(
      formatDemoBanner({
        timing,
        simulatorUrl: simulator.baseUrl,
        databaseUrl,
        embeddedDataDir,
        httpPort,
        webhookUrl: receiver.url,
        durationMs: options.durationMs,
      }),
    );
    workerStartedAt = Date.now();
    const worker = await startWorker(
      config,
      database,
      logger,
      makeWorkerHooks(config, database, logger),
    );
    let workerRunning = true;
    cleanups.push(async () => {
      if (workerRunning) await worker.stop();
    });

    const counts = watchDemoCounts(database.prisma, 2_000);
    cleanups.push(() => counts.stop());
    const stopScript = new AbortController();
    const script = runDemoScript({
      steps: makeDemoScript(simulator.store, timing),
      timing,
      listings: () => simulator.requests,
      say: (text) => write(`${formatScriptLine(new Date(), text)}\n`),
      signal: stopScript.signal,
    });
    await waitForStop(options.signal, options.durationMs);
    stopScript.abort();
    const scriptFinished = await script;
    const elapsedMs = Date.now() - workerStartedAt;
    write("Stopping: delivering what is left, then stopping the worker...\n");
    await waitForDeliveries(database.prisma, webhookSinkName(receiver.url), 5_000);
    await worker.stop();
    workerRunning = false;
    await counts.stop();
    const finalCounts = await readDemoCounts(database.prisma).catch(() => undefined);
    const { readAt, ...tables } = finalCounts ?? counts.latest() ?? noCounts;

    const result: DemoResult = {
      received: tally.counts(),
      missing: tally.missing(),
      ...tables,
      countsReadAt: readAt,
      countsBeforeStop: finalCounts === undefined,
      rejected,
      scriptFinished,
      elapsedMs,
    };
    write(formatDemoSummary(result));
    return result;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) =>
        logger.warn({ err: error }, "stopping a part of the demo failed"),
      );
    }
    logger.flush();
  }
}

function waitForStop(
  signal: AbortSignal | undefined,
  durationMs: number | undefined,
): Promise<void> {
  return new Promise((resolveStop) => {
    if (signal?.aborted) return resolveStop();
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", finish);
      resolveStop();
    };
    const timer = durationMs === undefined ? undefined : setTimeout(finish, durationMs);
    signal?.addEventListener("abort", finish, { once: true });
  });
}

const noCounts = {
  written: {},
  disappearedBy: {},
  filesByStatus: {},
  runsByStatus: {},
  readAt: undefined,
};

/** Waits (bounded) until the receiver has every event written so far, or the database is gone. */
async function waitForDeliveries(db: Db, sink: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pending = await countPendingDeliveriesBySink(db).then(
      (groups) => groups.find((g) => g.sink === sink)?.count ?? 0,
      () => 0,
    );
    if (pending === 0) return;
    await sleep(100);
  }
}

function allShownLine(afterMs: number, unattended: boolean): string {
  return (
    `Every event type has shown (after ${formatDuration(afterMs)}). ` +
    (unattended
      ? "The worker keeps running until the duration is over.\n"
      : "The worker keeps running; press Ctrl-C to stop.\n")
  );
}

/** Logs go to stderr, so stdout holds the event lines alone; pretty on a terminal. */
async function stderrDestination(): Promise<pino.DestinationStream> {
  if (process.stderr.isTTY !== true) return pino.destination({ fd: 2, sync: true });
  const { default: pretty } = await import("pino-pretty");
  return pretty({
    colorize: true,
    destination: 2,
    translateTime: "SYS:HH:MM:ss",
    ignore: "pid,hostname",
  });
}
