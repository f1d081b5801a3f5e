import type { Command } from "commander";
import type { CommandRunner } from "../command-runner.js";

export function registerMigrateCommand(program: Command, runner: CommandRunner): void {
  program
    .command("migrate")
    .description(
      "Apply pending database migrations (without the Prisma engine). Uses MIGRATION_DATABASE_URL, " +
        "else DATABASE_URL, else the embedded PostgreSQL under DATA_DIR (created if missing).",
    )
    .action(runner.configured(() => import("../actions/migrate.js").then((m) => m.migrateAction)));
}
