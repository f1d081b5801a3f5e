import { type Command, Option } from "commander";
import { parseSince } from "../../report/report-since.js";
import type { CommandRunner, ConfiguredAction } from "../command-runner.js";
import { parsePositiveCount, parsePositiveDuration } from "../option-parsers.js";

const jsonHelp = "print one line of JSON for scripts (snake_case keys, raw numbers, ISO times)";

/**
 * `report <name>`: read-only views of the mirror, a table for people or `--json` for scripts.
 * Every report is registered here the same way; its action (cli/actions/report.ts) lists the
 * rows with a src/report/list-* function and prints them with a src/report/render-* one.
 */
export function registerReportCommand(program: Command, runner: CommandRunner): void {
  const report = program
    .command("report")
    .description(
      "Print a report from the mirror (reads the database only, never the Novita API, and never migrates)",
    );
  // Commander passes the parsed arguments and options; each action declares their types.
  const action = (name: keyof typeof import("../actions/report.js")) =>
    runner.configured(
      async () => (await import("../actions/report.js"))[name] as ConfiguredAction<unknown[]>,
    );

  report
    .command("expiring")
    .description("Active files that expire within a window, soonest first")
    .option(
      "--within <duration>",
      "how far ahead to look, e.g. 1h, 24h, 3d (default: the widest EXPIRY_WARNING_WINDOWS window, 24h)",
      parsePositiveDuration,
    )
    .option("--json", jsonHelp)
    .action(action("expiringReport"));

  report
    .command("disappeared")
    .description(
      "Files that disappeared from the listing (deleted or expired), latest first, including files that came back since",
    )
    .addOption(
      new Option(
        "--since <time>",
        "a duration before now (24h, 7d) or an ISO 8601 time (2026-11-20T08:00:00Z)",
      )
        .argParser(parseSince)
        .default(parseSince("24h"), "24h"),
    )
    .option("--json", jsonHelp)
    .action(action("disappearedReport"));

  report
    .command("runs")
    .description("The latest sync runs: outcome, counts, duration and the gap since the run before")
    .option("--last <n>", "how many runs", parsePositiveCount, 20)
    .option("--json", jsonHelp)
    .action(action("runsReport"));

  report
    .command("history")
    .description("Every version of one file: when it held, what changed, and why it ended")
    .argument("<file-id>", "the Novita file id, e.g. file-abc123")
    .option("--json", jsonHelp)
    .action(action("historyReport"));

  report
    .command("stats")
    .description(
      "Per UTC day and purpose: files and bytes held at the end of the day, created, disappeared, expired",
    )
    .option("--days <n>", "how many days, today included", parsePositiveCount, 7)
    .option("--json", jsonHelp)
    .action(action("statsReport"));
}
