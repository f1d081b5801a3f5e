import type { Command } from "commander";
import { runCommand } from "../cli/run-command.js";
import { listRecentRuns } from "./list-recent-runs.js";
import { withReportDatabase } from "./open-report-database.js";
import { renderRunsJson, renderRunsTable } from "./render-runs-report.js";
import { parsePositiveCount } from "./report-options.js";

/** `report runs [--last N] [--json]`: the latest sync runs and how they went. */
export function registerRunsReport(report: Command): Command {
  return report
    .command("runs")
    .description("The latest sync runs: outcome, counts, duration and the gap since the run before")
    .option("--last <n>", "how many runs", parsePositiveCount, 20)
    .option("--json", "print one line of JSON for scripts (raw numbers, ISO times)")
    .action(
      runCommand(async (context, options: { last: number; json?: boolean }) => {
        const json = options.json === true;
        const result = await withReportDatabase(context, (pool) =>
          listRecentRuns(pool, { last: options.last }),
        );
        process.stdout.write(json ? renderRunsJson(result) : renderRunsTable(result));
        return 0;
      }),
    );
}
