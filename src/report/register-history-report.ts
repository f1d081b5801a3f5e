import type { Command } from "commander";
import { exitCodes, runCommand } from "../cli/run-command.js";
import { getFileHistory } from "./get-file-history.js";
import { withReportDatabase } from "./open-report-database.js";
import { renderHistoryJson, renderHistoryTable } from "./render-history-report.js";

/** `report history <file-id> [--json]`: every version of one file. Exits 1 for an unknown file. */
export function registerHistoryReport(report: Command): Command {
  return report
    .command("history")
    .description("Every version of one file: when it held, what changed, and why it ended")
    .argument("<file-id>", "the Novita file id, e.g. file-abc123")
    .option("--json", "print one line of JSON for scripts (raw values, ISO times)")
    .action(
      runCommand(async (context, fileId: string, options: { json?: boolean }) => {
        const json = options.json === true;
        const result = await withReportDatabase(context, (pool) => getFileHistory(pool, fileId));
        if (result.file === null && !json) {
          process.stderr.write(renderHistoryTable(result));
        } else {
          process.stdout.write(json ? renderHistoryJson(result) : renderHistoryTable(result));
        }
        return result.file === null ? exitCodes.failed : exitCodes.ok;
      }),
    );
}
