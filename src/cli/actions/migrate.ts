import { migrate } from "../../db/migrate.js";
import { resolveDatabaseUrls } from "../../db/open-database.js";
import type { CommandContext } from "../command-runner.js";
import { exitCodes } from "../exit-codes.js";

/** `migrate`: applies what is pending and says so on stdout; the details are in the logs. */
export async function migrateAction({ config, logger, output }: CommandContext): Promise<number> {
  const { migrationUrl, embedded } = await resolveDatabaseUrls(config, logger);
  try {
    const result = await migrate(migrationUrl, logger, {
      connectTimeoutMs: config.database.connectTimeoutMs,
    });
    output.write(
      result.applied.length > 0
        ? `applied ${result.applied.length} migration(s): ${result.applied.join(", ")}\n`
        : `database is up to date (${result.alreadyApplied} migrations applied)\n`,
    );
    return exitCodes.ok;
  } finally {
    await embedded?.stop();
  }
}
