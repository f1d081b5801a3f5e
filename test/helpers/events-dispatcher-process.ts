// A dispatcher in its own process, for the crash test: configured from the environment like the
// worker (DATABASE_URL, WEBHOOK_URL, WEBHOOK_SECRET, DISPATCH_*), plus EVENTS_TEST_LEASE_MS.
// Prints "ready" once it listens; stops gracefully on SIGTERM.
import { loadConfig } from "../../src/config/config.js";
import { makePool } from "../../src/db/pool.js";
import { makePrisma } from "../../src/db/prisma.js";
import { startDispatcher } from "../../src/events/dispatcher.js";
import { buildSinks } from "../../src/events/sinks.js";
import { makeLogger } from "../../src/logging/logger.js";

const config = loadConfig();
const logger = makeLogger({ level: config.logLevel, pretty: false });
const pool = makePool({ ...config.database, url: config.database.url as string, logger });
const prisma = makePrisma(pool);
const dispatcher = await startDispatcher({
  prisma,
  listenPool: pool,
  sinks: buildSinks(config.events, logger),
  envelope: { source: config.events.source, typePrefix: config.events.typePrefix },
  logger,
  batchSize: config.events.batchSize,
  pollIntervalMs: config.events.pollIntervalMs,
  leaseMs: Number(process.env.EVENTS_TEST_LEASE_MS ?? 30_000),
});
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void dispatcher
    .stop()
    .then(() => prisma.$disconnect())
    .then(() => pool.end());
});
