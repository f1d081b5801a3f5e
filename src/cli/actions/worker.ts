import { requireApiKey } from "../../config/config.js";
import { openDatabase } from "../../db/open-database.js";
import { startWorker } from "../../worker/start-worker.js";
import { waitForShutdownSignal } from "../../worker/wait-for-shutdown-signal.js";
import { makeWorkerHooks } from "../../worker/worker-hooks.js";
import type { CommandContext } from "../command-runner.js";
import { exitCodes } from "../exit-codes.js";

/** `worker`: runs until SIGTERM or SIGINT, then stops gracefully. */
export async function workerAction(
  { config, logger }: CommandContext,
  options: { migrate: boolean },
): Promise<number> {
  requireApiKey(config);
  process.on("unhandledRejection", (reason) => {
    logger.error({ err: reason }, "unhandled rejection; the worker keeps running");
  });
  const shutdown = waitForShutdownSignal(logger);
  const database = await openDatabase(config, logger, { migrate: options.migrate });
  try {
    const worker = await startWorker(
      config,
      database,
      logger,
      makeWorkerHooks(config, database, logger),
    );
    await shutdown;
    await worker.stop();
    logger.info("worker stopped");
    return exitCodes.ok;
  } finally {
    await database.close();
  }
}
