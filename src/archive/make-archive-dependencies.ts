import type { Config } from "../config/config.js";
import type { PrismaClient } from "../db/prisma.js";
import type { Logger } from "../logging/logger.js";
import { makeNovitaClient, type NovitaClientOptions } from "../novita/make-novita-client.js";
import type { ArchiveDependencies } from "./archive-once.js";
import type { ArchiveStore } from "./archive-store.js";
import { makeLocalDirectoryStore } from "./stores/local-directory-store.js";
import { makeS3Store } from "./stores/s3-store.js";

/** The store configured: S3 when ARCHIVE_S3_BUCKET is set, else the local directory. */
export function makeArchiveStore(config: Config["archive"]): ArchiveStore {
  return config.s3 === undefined
    ? makeLocalDirectoryStore(config.directory)
    : makeS3Store(config.s3);
}

/** Wires an archiving pass from configuration. */
export function makeArchiveDependencies(
  config: Config,
  apiKey: string,
  prisma: PrismaClient,
  logger: Logger,
  extra: Pick<NovitaClientOptions, "onRequest" | "signal"> = {},
): ArchiveDependencies {
  return {
    prisma,
    client: makeNovitaClient({ ...config.novita, apiKey, logger, ...extra }),
    store: makeArchiveStore(config.archive),
    purposes: config.archive.purposes,
    concurrency: config.archive.concurrency,
    leaseMs: config.archive.leaseMs,
    logger,
  };
}
