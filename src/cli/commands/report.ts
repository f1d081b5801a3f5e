import { type Command, InvalidArgumentError } from "commander";
import pino from "pino";
import { parseDuration } from "../../config/duration.js";
import { type Database, openDatabase } from "../../db/open-database.js";
import { makeLogger } from "../../logging/logger.js";
import { listExpiringFiles } from "../../report/list-expiring-files.js";
import { renderExpiringJson, renderExpiringTable } from "../../report/render-expiring-report.js";
import { type CommandContext, exitCodes, runCommand } from "../run-command.js";

/**
 * `report <name>`: read-only views of the mirror, a table for people or `--json` for scripts.
 * To add a report, write an `add...Report(report)` function like addExpiringReport below and call
 * it here; reportAction does the database and printing.
 */
export function registerReportCommand(program: Command): Command {
  const report = program
    .command("report")
    .description("Print a report from the mirror (reads the database only, never the Novita API)");
  addExpiringReport(report);
  return report;
}

function addExpiringReport(report: Command): void {
  report
    .command("expiring")
    .description("Active files that expire within a window, soonest first")
    .option(
      "--within <duration>",
      "how far ahead to look, e.g. 1h, 24h, 3d (default: the widest EXPIRY_WARNING_WINDOWS window)",
      positiveDuration,
    )
    .option("--json", "print one line of JSON for scripts (raw numbers, ISO times)")
    .action(
      reportAction(async (db, { config }, options: { within?: number; json?: boolean }) => {
        const withinMs = options.within ?? config.expiry.windowsMs[0] ?? parseDuration("24h");
        const expiring = await listExpiringFiles(db.pool, { withinMs });
        return options.json ? renderExpiringJson(expiring) : renderExpiringTable(expiring);
      }),
    );
}

/**
 * Runs a report: opens (and migrates) the database, prints what `render` returns to stdout and
 * closes the database. So that stdout holds the report alone (`--json | jq` works), logs go to
 * stderr and only from level warn up (or LOG_LEVEL, if stricter).
 */
function reportAction<Args extends unknown[]>(
  render: (db: Database, context: CommandContext, ...args: Args) => Promise<string>,
): (...args: Args) => Promise<void> {
  return runCommand(async ({ config }, ...args: Args) => {
    const logger = makeLogger({
      level: atLeastWarn(config.logLevel),
      secrets: config.secrets,
      destination: pino.destination({ fd: 2, sync: true }),
    });
    const db = await openDatabase(config, logger, { migrate: true });
    try {
      process.stdout.write(await render(db, { config, logger }, ...args));
      return exitCodes.ok;
    } finally {
      await db.close();
    }
  });
}

function atLeastWarn(level: string): string {
  const severity = level === "silent" ? Number.POSITIVE_INFINITY : (pino.levels.values[level] ?? 0);
  return severity > (pino.levels.values.warn ?? 40) ? level : "warn";
}

function positiveDuration(text: string): number {
  try {
    const ms = parseDuration(text);
    if (ms > 0) return ms;
  } catch {
    // Reported below, in commander's words.
  }
  throw new InvalidArgumentError("expects a duration such as 30m, 6h or 2d");
}
