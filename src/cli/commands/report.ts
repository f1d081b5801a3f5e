import { type Command, InvalidArgumentError } from "commander";
import { parseDuration } from "../../config/duration.js";
import type { PrismaClient } from "../../db/prisma.js";
import { listExpiringFiles } from "../../report/list-expiring-files.js";
import { withReportDatabase } from "../../report/open-report-database.js";
import { registerDisappearedReport } from "../../report/register-disappeared-report.js";
import { registerHistoryReport } from "../../report/register-history-report.js";
import { registerRunsReport } from "../../report/register-runs-report.js";
import { registerStatsReport } from "../../report/register-stats-report.js";
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
  registerDisappearedReport(report);
  registerRunsReport(report);
  registerHistoryReport(report);
  registerStatsReport(report);
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
      reportAction(async (pool, { config }, options: { within?: number; json?: boolean }) => {
        const withinMs = options.within ?? config.expiry.windowsMs[0] ?? parseDuration("24h");
        const expiring = await listExpiringFiles(pool, { withinMs });
        return options.json ? renderExpiringJson(expiring) : renderExpiringTable(expiring);
      }),
    );
}

/** Runs a report on the migrated database and prints what `render` returns to stdout. */
function reportAction<Args extends unknown[]>(
  render: (pool: PrismaClient, context: CommandContext, ...args: Args) => Promise<string>,
): (...args: Args) => Promise<void> {
  return runCommand(async (context, ...args: Args) => {
    process.stdout.write(
      await withReportDatabase(context, (pool) => render(pool, context, ...args)),
    );
    return exitCodes.ok;
  });
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
