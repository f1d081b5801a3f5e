import { requireApiKey } from "../../config/config.js";
import { openDatabase } from "../../db/open-database.js";
import { makeScheduledExpiryScan } from "../../expiry/index.js";
import { makeSyncDependencies } from "../../sync/make-sync-dependencies.js";
import type { SyncStatus } from "../../sync/sync-once.js";
import { syncOnce } from "../../sync/sync-once.js";
import type { CommandContext } from "../command-runner.js";
import { exitCodes } from "../exit-codes.js";

/** Exit codes of `sync`: 0 succeeded, 1 failed, 2 configuration, 3 guarded, 4 skipped. */
export const syncExitCodes: Record<SyncStatus, number> = {
  succeeded: exitCodes.ok,
  failed: exitCodes.failed,
  guarded: exitCodes.guarded,
  skipped: exitCodes.skipped,
};

/** `sync`: one run and an expiry scan. The run logs its own outcome (once, on stderr). */
export async function syncAction(
  { config, logger }: CommandContext,
  options: { force?: boolean; migrate: boolean },
): Promise<number> {
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
}
