import type { Config } from "../config/config.js";
import type { Database } from "../db/open-database.js";
import { makeScheduledExpiryScan } from "../expiry/index.js";
import type { Logger } from "../logging/logger.js";
import type { WorkerHooks } from "./start-worker.js";

/** The expiry scan and the event dispatcher, wired from configuration. */
export function makeWorkerHooks(config: Config, database: Database, logger: Logger): WorkerHooks {
  const scan = makeScheduledExpiryScan({
    pool: database.pool,
    windowsMs: config.expiry.windowsMs,
    logger,
  });
  return {
    scan: async () => {
      await scan();
    },
  };
}
