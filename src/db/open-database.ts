import type pg from "pg";
import type { Config } from "../config/config.js";
import type { Logger } from "../logging/logger.js";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "./embedded-postgres.js";
import { migrate } from "./migrate.js";
import { makePool } from "./pool.js";
import { makePrisma, type PrismaClient } from "./prisma.js";

export interface Database {
  pool: pg.Pool;
  prisma: PrismaClient;
  /** Connection URL of the runtime role (no secret is logged from it). */
  url: string;
  /** Closes Prisma and the pool, then stops the embedded server if this process started it. */
  close(): Promise<void>;
}

/** What code that runs on an open database needs: the pool and the Prisma client on it. */
export type DatabaseHandles = Pick<Database, "pool" | "prisma">;

/** Where the database is: the configured URLs, or the embedded server started on demand. */
export async function resolveDatabaseUrls(
  config: Config,
  logger: Logger,
): Promise<{ url: string; migrationUrl: string; embedded: EmbeddedDatabase | undefined }> {
  if (config.database.url !== undefined) {
    return {
      url: config.database.url,
      migrationUrl: config.database.migrationUrl ?? config.database.url,
      embedded: undefined,
    };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: config.database.dataDir,
    port: config.database.embeddedPort,
    logger,
  });
  return {
    url: embedded.url,
    migrationUrl: config.database.migrationUrl ?? embedded.url,
    embedded,
  };
}

/** Opens the database for a command: starts the embedded server when needed and migrates. */
export async function openDatabase(
  config: Config,
  logger: Logger,
  options: { migrate: boolean },
): Promise<Database> {
  const { url, migrationUrl, embedded } = await resolveDatabaseUrls(config, logger);
  try {
    if (options.migrate) {
      await migrate(migrationUrl, logger, { connectTimeoutMs: config.database.connectTimeoutMs });
    }
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const pool = makePool({ ...config.database, url, logger });
  const prisma = makePrisma(pool);
  return {
    pool,
    prisma,
    url,
    close: async () => {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
      await embedded?.stop();
    },
  };
}
