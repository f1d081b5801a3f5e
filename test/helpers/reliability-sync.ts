import type pg from "pg";
import { makePrisma, type PrismaClient } from "../../src/db/prisma.js";
import { type Logger, silentLogger } from "../../src/logging/logger.js";
import { makeNovitaClient, type NovitaClientOptions } from "../../src/novita/index.js";
import { type SyncOutcome, syncOnce } from "../../src/sync/sync-once.js";
import type { SyncSettings } from "../../src/sync/sync-settings.js";
import { fastBackoffSleep } from "./fast-backoff-sleep.js";
import { defaultSyncSettings, type SyncScenario, testApiKey } from "./sync-scenario.js";

export interface SyncWithOptions {
  /** The pool the run uses (default: the scenario's database). */
  pool?: pg.Pool;
  client?: Partial<Omit<NovitaClientOptions, "baseUrl" | "apiKey" | "logger">>;
  settings?: Partial<SyncSettings>;
  force?: boolean;
  /** Where the run logs (default: nowhere). */
  logger?: Logger;
}

/**
 * One sync of the scenario's simulator, as `sync` runs it, with the client, pool and settings a
 * test chooses (startSyncScenario's own `sync()` fixes them). Fast retries by default.
 */
export function syncWith(s: SyncScenario, options: SyncWithOptions = {}): Promise<SyncOutcome> {
  const client = makeNovitaClient({
    baseUrl: s.simulator.baseUrl,
    apiKey: testApiKey,
    logger: options.logger ?? silentLogger,
    timeoutMs: 5_000,
    retries: 0,
    sleep: fastBackoffSleep,
    ...options.client,
  });
  return syncOnce(
    {
      db:
        options.pool === undefined ? s.db : { pool: options.pool, prisma: prismaOn(options.pool) },
      streamFiles: (sink) => client.streamFiles(sink),
      logger: options.logger ?? silentLogger,
      settings: { ...defaultSyncSettings, ...options.settings },
    },
    { trigger: "manual", force: options.force ?? false },
  );
}

const prismaClients = new WeakMap<pg.Pool, PrismaClient>();

/** The Prisma client on a pool a test made (one per pool; it ends with the pool). */
function prismaOn(pool: pg.Pool): PrismaClient {
  let prisma = prismaClients.get(pool);
  if (prisma === undefined) {
    prisma = makePrisma(pool);
    prismaClients.set(pool, prisma);
  }
  return prisma;
}
