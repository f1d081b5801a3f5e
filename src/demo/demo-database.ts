import { readFile } from "node:fs/promises";
import { connect } from "node:net";
import { resolve } from "node:path";
import pg from "pg";
import {
  type EmbeddedDatabase,
  embeddedDatabaseName,
  startEmbeddedPostgres,
} from "../db/embedded-postgres.js";
import { ConfigError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import { findFreePort } from "../net/find-free-port.js";

/**
 * Starts the demo's own embedded PostgreSQL under `dataDir` (kept apart from the user's mirror)
 * and gives it an empty database: the demo starts from nothing every time, so its first sync is
 * a bootstrap. It listens on the port of a server still running on that data directory, else on
 * a free port.
 */
export async function startDemoPostgres(
  dataDir: string,
  logger: Logger,
): Promise<EmbeddedDatabase> {
  const port = (await runningPort(dataDir)) ?? (await findFreePort());
  const embedded = await startEmbeddedPostgres({ dataDir, port, logger });
  try {
    await recreateDatabase(embedded.url);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return embedded;
}

/**
 * The demo writes a made-up account into the database; it refuses one that holds a mirror
 * already (DATABASE_URL pointing at real data, or at an earlier demo's).
 */
export async function assertEmptyMirror(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ files: number; runs: number }>(
    "SELECT (SELECT count(*) FROM files)::int AS files, (SELECT count(*) FROM sync_runs)::int AS runs",
  );
  const { files, runs } = rows[0] ?? { files: 0, runs: 0 };
  if (files > 0 || runs > 0) {
    throw new ConfigError(
      `The demo needs an empty database, and DATABASE_URL points at one with ${files} file(s) and ${runs} sync run(s). ` +
        "Unset DATABASE_URL to use the demo's own embedded PostgreSQL, or point it at an empty database.",
    );
  }
}

async function recreateDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${embeddedDatabaseName} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${embeddedDatabaseName}`);
  } finally {
    await client.end();
  }
}

/** The port in postmaster.pid (line 4) when a server on that data directory still answers. */
async function runningPort(dataDir: string): Promise<number | undefined> {
  const pidFile = resolve(dataDir, "postgres", "postmaster.pid");
  const text = await readFile(pidFile, "utf8").catch(() => undefined);
  const port = Number(text?.split("\n")[3]);
  if (!Number.isInteger(port) || port <= 0) return undefined;
  return (await answersTcp(port)) ? port : undefined;
}

function answersTcp(port: number): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const socket = connect({ host: "127.0.0.1", port, timeout: 1_000 });
    const done = (answered: boolean) => {
      socket.destroy();
      resolveAnswer(answered);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}
