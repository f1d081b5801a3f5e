import type { Command } from "commander";
import type { CommandRunner } from "../command-runner.js";

export function registerArchiveCommand(program: Command, runner: CommandRunner): void {
  program
    .command("archive")
    .description(
      "Run one archiving pass: download every due file whose purpose is in ARCHIVE_PURPOSES into the archive store " +
        "(ARCHIVE_DIR, or ARCHIVE_S3_BUCKET), soonest to expire first. Exit codes: 0 nothing failed, 1 some archive failed, 2 configuration error.",
    )
    .option("--no-migrate", "do not apply pending migrations first")
    .action(runner.configured(() => import("../actions/archive.js").then((m) => m.archiveAction)));
}
