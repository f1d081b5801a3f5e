import type { Command } from "commander";
import type { CommandRunner } from "../command-runner.js";

export function registerWorkerCommand(program: Command, runner: CommandRunner): void {
  program
    .command("worker")
    .description(
      "Run the background worker: migrate, sync at start and on SYNC_SCHEDULE, scan for expiring files, " +
        "deliver events, and serve /healthz, /readyz and /metrics on HTTP_PORT. Stops gracefully on SIGTERM or SIGINT.",
    )
    .option("--no-migrate", "do not apply pending migrations first")
    .action(runner.configured(() => import("../actions/worker.js").then((m) => m.workerAction)));
}
