import { archiveOnce } from "../../archive/archive-once.js";
import { makeArchiveDependencies } from "../../archive/make-archive-dependencies.js";
import { requireApiKey } from "../../config/config.js";
import { openDatabase } from "../../db/open-database.js";
import type { CommandContext } from "../command-runner.js";
import { exitCodes } from "../exit-codes.js";

/** `archive`: one archiving pass; prints its outcome as one line of JSON. */
export async function archiveAction(
  { config, logger, output }: CommandContext,
  options: { migrate: boolean },
): Promise<number> {
  const apiKey = requireApiKey(config);
  if (config.archive.purposes.length === 0) {
    logger.warn("ARCHIVE_PURPOSES is empty: archiving is off, nothing to do");
    return exitCodes.ok;
  }
  const database = await openDatabase(config, logger, { migrate: options.migrate });
  try {
    const deps = makeArchiveDependencies(config, apiKey, database.prisma, logger);
    const outcome = await archiveOnce(deps);
    output.write(`${JSON.stringify(outcome)}\n`);
    return outcome.failed > 0 ? exitCodes.failed : exitCodes.ok;
  } finally {
    await database.close();
  }
}
