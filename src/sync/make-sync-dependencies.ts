import { type Config, requireApiKey } from "../config/config.js";
import type { DatabaseHandles } from "../db/open-database.js";
import type { Logger } from "../logging/logger.js";
import { makeNovitaClient, type NovitaClientOptions } from "../novita/index.js";
import type { SyncDependencies } from "./sync-once.js";

/** Wires a sync run from configuration: the Novita client and the settings. */
export function makeSyncDependencies(
  config: Config,
  db: DatabaseHandles,
  logger: Logger,
  extra: Pick<NovitaClientOptions, "onRequest" | "signal"> = {},
): SyncDependencies {
  const client = makeNovitaClient({
    ...config.novita,
    apiKey: requireApiKey(config),
    logger,
    ...extra,
  });
  return {
    db,
    streamFiles: (sink) => client.streamFiles(sink),
    logger,
    settings: config.sync,
  };
}
