import type { Command } from "commander";
import type { CommandRunner } from "../command-runner.js";

export function registerStatusCommand(program: Command, runner: CommandRunner): void {
  program
    .command("status")
    .description(
      "Is the mirror healthy, and which database is it? The database in use, schema version, last runs " +
        "and last success, next scheduled fires, files by status, files expiring soon, outbox backlog " +
        "per sink and dead deliveries. Exits 1 when unhealthy by the rules of the worker's /readyz " +
        "(database reachable, migrations applied, a successful sync within SYNC_STALE_AFTER). Never migrates.",
    )
    .option("--json", "print one line of JSON for scripts (snake_case keys, ISO times)")
    .action(runner.configured(() => import("../actions/status.js").then((m) => m.statusAction)));
}
