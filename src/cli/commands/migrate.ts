import type { Command } from "commander";
import { migrate } from "../../db/migrate.js";
import { resolveDatabaseUrls } from "../../db/open-database.js";
import { runCommand } from "../run-command.js";

export function registerMigrateCommand(program: Command): void {
  program
    .command("migrate")
    .description(
      "Apply pending database migrations (without the Prisma engine). Uses MIGRATION_DATABASE_URL, " +
        "else DATABASE_URL, else the embedded PostgreSQL under DATA_DIR.",
    )
    .action(
      runCommand(async ({ config, logger }) => {
        const { migrationUrl, embedded } = await resolveDatabaseUrls(config, logger);
        try {
          const result = await migrate(migrationUrl, logger, {
            connectTimeoutMs: config.database.connectTimeoutMs,
          });
          logger.info(
            { applied: result.applied, alreadyApplied: result.alreadyApplied },
            result.applied.length > 0
              ? `applied ${result.applied.length} migration(s)`
              : "database is up to date",
          );
          return 0;
        } finally {
          await embedded?.stop();
        }
      }),
    );
}
