import { readFile } from "node:fs/promises";
import { connect } from "node:net";
import { resolve } from "node:path";
import {
  type EmbeddedDatabase,
  recreateDatabase,
  startEmbeddedPostgres,
} from "../db/embedded-postgres.js";
import type { Db } from "../db/prisma.js";
import { countFilesByStatusAndPurpose } from "../db/tables/files.js";
import { countRunsByStatus } from "../db/tables/sync-runs.js";
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
export async function assertEmptyMirror(db: Db): Promise<void> {
  const total = (groups: { count: number }[]) => groups.reduce((sum, g) => sum + g.count, 0);
  const files = total(await countFilesByStatusAndPurpose(db));
  const runs = total(await countRunsByStatus(db));
  if (files > 0 || runs > 0) {
    throw new ConfigError(
      `The demo needs an empty database, and DATABASE_URL points at one with ${files} file(s) and ${runs} sync run(s). ` +
        "Unset DATABASE_URL to use the demo's own embedded PostgreSQL, or point it at an empty database.",
    );
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
