import { existsSync } from "node:fs";
import { resolve } from "node:path";
import pino from "pino";
import { pendingMigrations } from "../db/migrate.js";
import { type Database, openDatabase } from "../db/open-database.js";
import { AppError } from "../errors.js";
import { makeLogger } from "../logging/logger.js";
import type { CommandContext } from "./command-runner.js";
import { databaseDescription } from "./describe-failure.js";

/** The database is there but not (fully) migrated, or the embedded one was never created. */
export class DatabaseNotSetUpError extends AppError<"database_not_set_up"> {
  constructor(message: string) {
    super("database_not_set_up", message);
  }
}

/**
 * Runs a command that reads or changes rows (a report, `events`, `status`) on the configured
 * database and closes it. It never migrates and never creates an embedded database: one that is not set up is an
 * error that says what to run. The database's own log lines go to stderr from `warn` up (or
 * LOG_LEVEL, if stricter), so stdout holds the command's output alone.
 */
export async function withMigratedDatabase<T>(
  { config }: CommandContext,
  work: (database: Database) => Promise<T>,
): Promise<T> {
  const where = databaseDescription(config);
  const embeddedDir = resolve(config.database.dataDir, "postgres");
  if (config.database.url === undefined && !existsSync(resolve(embeddedDir, "PG_VERSION"))) {
    throw new DatabaseNotSetUpError(
      `No embedded database under ${embeddedDir} yet. Run \`novita-file-sync migrate\` (or sync) to create it, ` +
        "set DATA_DIR to where it is (the demo's is DATA_DIR=.data/demo), or set DATABASE_URL.",
    );
  }
  const logger = makeLogger({
    level: quietLevel(config.logLevel),
    secrets: config.secrets,
    ...(config.logFormat === undefined ? {} : { pretty: config.logFormat === "pretty" }),
  });
  if (config.database.url === undefined) {
    // "No sync run yet." must not leave anyone wondering which of their databases was read.
    process.stderr.write(`Reading the embedded database under ${embeddedDir} (DATA_DIR).\n`);
  }
  const database = await openDatabase(config, logger, { migrate: false });
  try {
    await requireMigrated(database, where);
    return await work(database);
  } finally {
    await database.close();
  }
}

async function requireMigrated(database: Database, where: string): Promise<void> {
  // Without Prisma's bookkeeping table the database was never migrated.
  const [{ found }] = await database.prisma.$queryRaw<[{ found: boolean }]>`
    SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS found`;
  if (!found) {
    throw new DatabaseNotSetUpError(
      `${capitalise(where)} is not set up for novita-file-sync (no migration applied). Run \`novita-file-sync migrate\` first, or check DATABASE_URL.`,
    );
  }
  const pending = await pendingMigrations(database.prisma);
  if (pending.length > 0) {
    throw new DatabaseNotSetUpError(
      `${capitalise(where)} lacks ${pending.length} migration(s) of this version (${pending.join(", ")}). Run \`novita-file-sync migrate\` first.`,
    );
  }
}

/** `warn`, or the configured level when it is stricter. */
function quietLevel(level: string): string {
  const severity = level === "silent" ? Number.POSITIVE_INFINITY : (pino.levels.values[level] ?? 0);
  return severity > (pino.levels.values.warn ?? 40) ? level : "warn";
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
