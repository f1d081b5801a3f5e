import type { Command } from "commander";
import type { CommandRunner } from "../command-runner.js";

export function registerSyncCommand(program: Command, runner: CommandRunner): void {
  program
    .command("sync")
    .description(
      "Run one sync: fetch the file list and apply it to the database in one transaction, then scan for expiring files. " +
        "Exit codes: 0 succeeded, 1 failed, 2 configuration error, 3 guarded, 4 skipped (another sync is running).",
    )
    .option("--force", "accept a mass disappearance that the guard would hold back")
    .option("--no-migrate", "do not apply pending migrations first")
    .action(runner.configured(() => import("../actions/sync.js").then((m) => m.syncAction)));
}
