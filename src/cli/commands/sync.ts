import type { Command } from "commander";
import { requireApiKey } from "../../config/config.js";
import { openDatabase } from "../../db/open-database.js";
import { makeScheduledExpiryScan } from "../../expiry/index.js";
import { makeSyncDependencies } from "../../sync/make-sync-dependencies.js";
import { type SyncStatus, syncOnce } from "../../sync/sync-once.js";
import { runCommand } from "../run-command.js";

/** Exit codes of `sync`: 0 succeeded, 1 failed, 2 configuration, 3 guarded, 4 skipped. */
export const syncExitCodes: Record<SyncStatus, number> = {
  succeeded: 0,
  failed: 1,
  guarded: 3,
  skipped: 4,
};

export function registerSyncCommand(program: Command): void {
  program
    .command("sync")
    .description(
      "Run one sync: fetch the file list and apply it to the database in one transaction, then scan for expiring files. " +
        "Exit codes: 0 succeeded, 1 failed, 2 configuration error, 3 guarded, 4 skipped (another sync is running).",
    )
    .option("--force", "accept a mass disappearance that the guard would hold back")
    .option("--no-migrate", "do not apply pending migrations first")
    .action(
      runCommand(async ({ config, logger }, options: { force?: boolean; migrate: boolean }) => {
        requireApiKey(config);
        const database = await openDatabase(config, logger, { migrate: options.migrate });
        try {
          const outcome = await syncOnce(makeSyncDependencies(config, database, logger), {
            trigger: "manual",
            force: options.force === true,
          });
          // After every sync, failed ones too: warnings come from the database alone.
          await makeScheduledExpiryScan({
            db: database.prisma,
            windowsMs: config.expiry.windowsMs,
            logger,
          })();
          return syncExitCodes[outcome.status];
        } finally {
          await database.close();
        }
      }),
    );
}
