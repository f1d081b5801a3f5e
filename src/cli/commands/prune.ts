import type { Command } from "commander";
import { openDatabase } from "../../db/open-database.js";
import { formatPruneResult, pruneOnce, pruneResultJson } from "../../retention/index.js";
import { runCommand } from "../run-command.js";

export function registerPruneCommand(program: Command): void {
  program
    .command("prune")
    .description(
      "Delete settled outbox events older than EVENT_RETENTION (with their deliveries) and sync runs older " +
        "than RUN_RETENTION, in short batches. Pending deliveries and file history are never deleted.",
    )
    .option("--dry-run", "count what would be deleted; delete nothing")
    .option("--json", "print the result as JSON")
    .option("--no-migrate", "do not apply pending migrations first")
    .action(
      runCommand(
        async (
          { config, logger },
          options: { dryRun?: boolean; json?: boolean; migrate: boolean },
        ) => {
          const database = await openDatabase(config, logger, { migrate: options.migrate });
          try {
            const result = await pruneOnce({
              prisma: database.prisma,
              eventRetentionMs: config.retention.eventRetentionMs,
              runRetentionMs: config.retention.runRetentionMs,
              expiryWindowsMs: config.expiry.windowsMs,
              logger,
              dryRun: options.dryRun === true,
            });
            process.stdout.write(
              `${options.json === true ? pruneResultJson(result) : formatPruneResult(result)}\n`,
            );
            return 0;
          } finally {
            await database.close();
          }
        },
      ),
    );
}
