import { openDatabase } from "../../db/open-database.js";
import {
  checkEventRetention,
  formatPruneResult,
  pruneOnce,
  pruneResultJson,
} from "../../retention/index.js";
import type { CommandContext } from "../command-runner.js";
import { exitCodes } from "../exit-codes.js";

/** `prune`: one retention pass; prints what it deleted, or with --dry-run what it would. */
export async function pruneAction(
  { config, logger, output }: CommandContext,
  options: { dryRun?: boolean; json?: boolean; migrate: boolean },
): Promise<number> {
  // A retention below the minimum is a configuration error: said before anything connects.
  checkEventRetention(config.retention.eventRetentionMs, config.expiry.windowsMs);
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
    output.write(
      `${options.json === true ? pruneResultJson(result) : formatPruneResult(result)}\n`,
    );
    return exitCodes.ok;
  } finally {
    await database.close();
  }
}
