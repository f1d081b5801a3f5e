import type { Command } from "commander";
import { runCommand } from "../cli/run-command.js";
import { listDailyStats } from "./list-daily-stats.js";
import { withReportDatabase } from "./open-report-database.js";
import { renderStatsJson, renderStatsTable } from "./render-stats-report.js";
import { parsePositiveCount } from "./report-options.js";

/** `report stats [--days N] [--json]`: files and bytes held per UTC day and purpose. */
export function registerStatsReport(report: Command): Command {
  return report
    .command("stats")
    .description(
      "Per UTC day and purpose: files and bytes held at the end of the day, created, disappeared, expired",
    )
    .option("--days <n>", "how many days, today included", parsePositiveCount, 7)
    .option("--json", "print one line of JSON for scripts (raw numbers, ISO times)")
    .action(
      runCommand(async (context, options: { days: number; json?: boolean }) => {
        const json = options.json === true;
        const result = await withReportDatabase(context, (pool) =>
          listDailyStats(pool, { days: options.days }),
        );
        process.stdout.write(json ? renderStatsJson(result) : renderStatsTable(result));
        return 0;
      }),
    );
}
