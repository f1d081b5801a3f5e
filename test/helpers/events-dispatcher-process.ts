// A dispatcher in its own process, for the crash test: configured from the environment like the
// worker (DATABASE_URL, WEBHOOK_URL, WEBHOOK_SECRET, DISPATCH_*), plus EVENTS_TEST_LEASE_MS.
// Prints "ready" once it listens; stops gracefully on SIGTERM.
import { loadConfig } from "../../src/config/config.js";
import { makePool } from "../../src/db/pool.js";
import { buildSinks } from "../../src/events/build-sinks.js";
import { startDispatcher } from "../../src/events/start-dispatcher.js";
import { makeLogger } from "../../src/logging/logger.js";

const config = loadConfig();
const logger = makeLogger({ level: config.logLevel, pretty: false });
const pool = makePool({ ...config.database, url: config.database.url as string, logger });
const dispatcher = await startDispatcher({
  pool,
  sinks: buildSinks(config.events, logger),
  envelope: { source: config.events.source, typePrefix: config.events.typePrefix },
  logger,
  batchSize: config.events.batchSize,
  pollIntervalMs: config.events.pollIntervalMs,
  leaseMs: Number(process.env.EVENTS_TEST_LEASE_MS ?? 30_000),
});
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void dispatcher.stop().then(() => pool.end());
});
