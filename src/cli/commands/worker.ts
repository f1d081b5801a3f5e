import type { Command } from "commander";
import { requireApiKey } from "../../config/config.js";
import { openDatabase } from "../../db/open-database.js";
import { startWorker } from "../../worker/start-worker.js";
import { waitForShutdownSignal } from "../../worker/wait-for-shutdown-signal.js";
import { makeWorkerHooks } from "../../worker/worker-hooks.js";
import { runCommand } from "../run-command.js";

export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description(
      "Run the background worker: migrate, sync at start and on SYNC_SCHEDULE, scan for expiring files, " +
        "deliver events, and serve /healthz, /readyz and /metrics on HTTP_PORT. Stops gracefully on SIGTERM or SIGINT.",
    )
    .option("--no-migrate", "do not apply pending migrations first")
    .action(
      runCommand(async ({ config, logger }, options: { migrate: boolean }) => {
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
          return 0;
        } finally {
          await database.close();
        }
      }),
    );
}
