import pino from "pino";
import type { CommandContext } from "../cli/run-command.js";
import { openDatabase } from "../db/open-database.js";
import type { PrismaClient } from "../db/prisma.js";
import { makeLogger } from "../logging/logger.js";

/**
 * Runs a report against the configured database (migrated first, so the views exist) and closes
 * it. So that stdout holds the report alone (`--json | jq` works), the database's own log lines
 * go to stderr, and only from level warn up (or LOG_LEVEL, if stricter), as `report expiring`.
 */
export async function withReportDatabase<T>(
  { config }: CommandContext,
  report: (db: PrismaClient) => Promise<T>,
): Promise<T> {
  const logger = makeLogger({
    level: reportLogLevel(config.logLevel),
    secrets: config.secrets,
    destination: pino.destination({ fd: 2, sync: true }),
  });
  const database = await openDatabase(config, logger, { migrate: true });
  try {
    return await report(database.prisma);
  } finally {
    await database.close();
  }
}

/** `warn`, or the configured level when it is stricter. */
function reportLogLevel(level: string): string {
  const severity = level === "silent" ? Number.POSITIVE_INFINITY : (pino.levels.values[level] ?? 0);
  return severity > (pino.levels.values.warn ?? 40) ? level : "warn";
}
