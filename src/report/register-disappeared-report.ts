import type { Command } from "commander";
import { runCommand } from "../cli/run-command.js";
import { listDisappearedFiles } from "./list-disappeared-files.js";
import { withReportDatabase } from "./open-report-database.js";
import { renderDisappearedJson, renderDisappearedTable } from "./render-disappeared-report.js";
import { parseSince, resolveSince, type Since } from "./report-since.js";

/** `report disappeared [--since TIME] [--json]`: files that disappeared recently. */
export function registerDisappearedReport(report: Command): Command {
  return report
    .command("disappeared")
    .description(
      "Files that disappeared from the listing (deleted or expired), latest first, including files that came back since",
    )
    .option(
      "--since <time>",
      "a duration before now (24h, 7d) or an ISO 8601 time (2026-11-20T08:00:00Z)",
      parseSince,
      parseSince("24h"),
    )
    .option("--json", "print one line of JSON for scripts (raw numbers, ISO times)")
    .action(
      runCommand(async (context, options: { since: Since; json?: boolean }) => {
        const json = options.json === true;
        const since = resolveSince(options.since, new Date());
        const result = await withReportDatabase(context, (pool) =>
          listDisappearedFiles(pool, { since }),
        );
        process.stdout.write(json ? renderDisappearedJson(result) : renderDisappearedTable(result));
        return 0;
      }),
    );
}
