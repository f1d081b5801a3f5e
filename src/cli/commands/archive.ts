import type { Command } from "commander";
import { archiveOnce } from "../../archive/archive-once.js";
import { makeArchiveDependencies } from "../../archive/make-archive-dependencies.js";
import { requireApiKey } from "../../config/config.js";
import { openDatabase } from "../../db/open-database.js";
import { runCommand } from "../run-command.js";

export function registerArchiveCommand(program: Command): void {
  program
    .command("archive")
    .description(
      "Run one archiving pass: download every due file whose purpose is in ARCHIVE_PURPOSES into the archive store " +
        "(ARCHIVE_DIR, or ARCHIVE_S3_BUCKET), soonest to expire first. Exit codes: 0 nothing failed, 1 some archive failed, 2 configuration error.",
    )
    .option("--no-migrate", "do not apply pending migrations first")
    .action(
      runCommand(async ({ config, logger }, options: { migrate: boolean }) => {
        const apiKey = requireApiKey(config);
        if (config.archive.purposes.length === 0) {
          logger.warn("ARCHIVE_PURPOSES is empty: archiving is off, nothing to do");
          return 0;
        }
        const database = await openDatabase(config, logger, { migrate: options.migrate });
        try {
          const deps = makeArchiveDependencies(config, apiKey, database.prisma, logger);
          const outcome = await archiveOnce(deps);
          process.stdout.write(`${JSON.stringify(outcome)}\n`);
          return outcome.failed > 0 ? 1 : 0;
        } finally {
          await database.close();
        }
      }),
    );
}
