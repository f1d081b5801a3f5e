import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { PrismaClient } from "../db/prisma.js";
import {
  type ClaimedArchive,
  claimArchives,
  enqueueArchives,
  recordArchived,
  recordArchiveFailure,
  releaseArchives,
  renewArchiveLease,
} from "../db/tables/archive-records.js";
import type { Logger } from "../logging/logger.js";
import type { NovitaClient } from "../novita/make-novita-client.js";
import { type BackoffPolicy, backoffDelayMs } from "../retry/backoff.js";
import { ArchiveError } from "./archive-error.js";
import { archiveOne } from "./archive-one.js";
import type { ArchiveStore } from "./archive-store.js";

export interface ArchiveDependencies {
  prisma: PrismaClient;
  client: Pick<NovitaClient, "downloadFileContent">;
  store: ArchiveStore;
  /** ARCHIVE_PURPOSES; empty means archiving is off and a pass does nothing. */
  purposes: readonly string[];
  /** ARCHIVE_CONCURRENCY: downloads in flight at once in this replica. */
  concurrency: number;
  /** How long a claim is held; after it another replica may take the file over. */
  leaseMs: number;
  logger: Logger;
  /** Distinguishes this replica's claims; one is made up when absent. */
  replicaId?: string;
  /** The pass's clock (tests move it); the real one by default. */
  now?: () => Date;
  /** Shutdown: no new claims; a download it interrupts is given back, not counted as failed. */
  signal?: AbortSignal;
}

export interface ArchivePassOutcome {
  enqueued: number;
  archived: number;
  failed: number;
  /** Bytes archived by this pass. */
  bytes: number;
  durationMs: number;
}

/** Between failed attempts of one file version: 1 min, 2 min ... capped at 1 h, with jitter. */
export const archiveRetryBackoff: BackoffPolicy = { firstDelayMs: 60_000, maxDelayMs: 3_600_000 };

/**
 * One archiving pass: adds rows for new file versions, then downloads every due one, soonest to
 * expire first, `concurrency` at a time, each claimed in PostgreSQL so that replicas running
 * passes side by side archive each file once. Every outcome is recorded with its outbox event;
 * one failing file never stops the others. Ends when nothing due is left.
 */
export async function archiveOnce(deps: ArchiveDependencies): Promise<ArchivePassOutcome> {
  const started = performance.now();
  const now = deps.now ?? (() => new Date());
  const outcome: ArchivePassOutcome = {
    enqueued: 0,
    archived: 0,
    failed: 0,
    bytes: 0,
    durationMs: 0,
  };
  if (deps.purposes.length === 0) return outcome;
  const replicaId = deps.replicaId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  outcome.enqueued = await enqueueArchives(deps.prisma, {
    purposes: deps.purposes,
    store: deps.store.name,
    now: now(),
  });
  const worker = async () => {
    while (deps.signal?.aborted !== true) {
      const at = now();
      const [claim] = await claimArchives(deps.prisma, {
        replicaId,
        limit: 1,
        now: at,
        leaseUntil: new Date(at.getTime() + deps.leaseMs),
      });
      if (claim === undefined) return;
      await archiveClaim(deps, replicaId, claim, now, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency) }, worker));
  outcome.durationMs = Math.round(performance.now() - started);
  deps.logger.info(outcome, "archive pass finished");
  return outcome;
}

async function archiveClaim(
  deps: ArchiveDependencies,
  replicaId: string,
  claim: ClaimedArchive,
  now: () => Date,
  outcome: ArchivePassOutcome,
): Promise<void> {
  const log = { fileId: claim.fileId, version: claim.version, attempt: claim.attempts + 1 };
  // The lease is renewed while the download lasts (a third of it at a time), so a long one is
  // never taken over; a renewal that fails is retried at the next tick, and the lease runs out
  // only if this replica stops.
  const renewal = setInterval(
    () => {
      const leaseUntil = new Date(now().getTime() + deps.leaseMs);
      renewArchiveLease(deps.prisma, replicaId, claim, leaseUntil).catch((error: unknown) =>
        deps.logger.warn({ ...log, err: error }, "could not renew an archive lease"),
      );
    },
    Math.max(100, Math.floor(deps.leaseMs / 3)),
  );
  try {
    const stored = await archiveOne(deps.client, deps.store, claim, now);
    const content = { store: deps.store.name, ...stored };
    if (await recordArchived(deps.prisma, replicaId, claim, content, now())) {
      outcome.archived += 1;
      outcome.bytes += stored.size;
      deps.logger.info({ ...log, key: stored.key, bytes: stored.size }, "file archived");
    }
  } catch (thrown) {
    if (deps.signal?.aborted) {
      await releaseArchives(deps.prisma, replicaId, [claim]);
      return;
    }
    const error =
      thrown instanceof ArchiveError ? thrown : new ArchiveError("download_failed", String(thrown));
    const delayMs = backoffDelayMs(claim.attempts + 1, archiveRetryBackoff);
    const nextAttemptAt = new Date(now().getTime() + delayMs);
    const failure = { reason: error.code, message: error.message, nextAttemptAt };
    if (await recordArchiveFailure(deps.prisma, replicaId, claim, failure)) outcome.failed += 1;
    deps.logger.warn({ ...log, reason: error.code, err: error }, "file archive failed");
  } finally {
    clearInterval(renewal);
  }
}
