import type { Command } from "commander";
import type { CommandRunner } from "../command-runner.js";

export function registerPruneCommand(program: Command, runner: CommandRunner): void {
  program
    .command("prune")
    .description(
      "Delete settled outbox events older than EVENT_RETENTION (with their deliveries) and sync runs older " +
        "than RUN_RETENTION, in short batches. Pending deliveries and file history are never deleted.",
    )
    .option("--dry-run", "count what would be deleted; delete nothing")
    .option("--json", "print the result as one line of JSON")
    .option("--no-migrate", "do not apply pending migrations first")
    .action(runner.configured(() => import("../actions/prune.js").then((m) => m.pruneAction)));
}
