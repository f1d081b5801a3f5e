import { readDatabaseClock } from "../db/clock.js";
import type { PrismaClient } from "../db/prisma.js";
import { compactTotals } from "../db/tables/event-totals.js";
import {
  countPrunableEvents,
  type EventPruneCursor,
  pruneEventsBatch,
} from "../db/tables/events-retention.js";
import { rollUpClosedDays } from "../db/tables/file-daily-rollup.js";
import { countPrunableRuns, pruneRunsBatch } from "../db/tables/sync-runs-retention.js";
import type { Logger } from "../logging/logger.js";
import { checkEventRetention } from "./minimum-event-retention.js";

export interface PruneOptions {
  prisma: PrismaClient;
  /** EVENT_RETENTION: settled events older than this go, with their deliveries. */
  eventRetentionMs: number;
  /** RUN_RETENTION: sync runs older than this go (the latest of each status stays). */
  runRetentionMs: number;
  /** EXPIRY_WARNING_WINDOWS: they set the minimum event retention. */
  expiryWindowsMs: readonly number[];
  logger: Logger;
  /** Count what would go, delete nothing. */
  dryRun?: boolean;
  /** Rows per transaction (default 1,000): each batch holds its locks for milliseconds. */
  batchSize?: number;
  /** The clock; the database's when omitted. Tests move it. */
  now?: Date;
}

export interface PruneResult {
  dryRun: boolean;
  /** Events older than this were considered. */
  eventsBefore: Date;
  /** Runs older than this were considered. */
  runsBefore: Date;
  events: number;
  deliveries: number;
  runs: number;
  /** Rows (day and purpose) added to the daily-figures rollup (0 in a dry run). */
  rolledUp: number;
  /** Transactions used (0 in a dry run). */
  batches: number;
  durationMs: number;
}

/**
 * One retention pass: deletes settled outbox events (and their deliveries) older than
 * EVENT_RETENTION, then sync runs older than RUN_RETENTION, each in batches of short
 * transactions, so a pass stopped at any point leaves a consistent database and the next pass
 * carries on. file_versions is never touched. Also compacts the metrics' totals tables and rolls up the closed days of file_daily_stats. A second pass right after finds nothing to do.
 */
export async function pruneOnce(options: PruneOptions): Promise<PruneResult> {
  checkEventRetention(options.eventRetentionMs, options.expiryWindowsMs);
  const started = performance.now();
  const { prisma } = options;
  const now = options.now ?? (await readDatabaseClock(prisma));
  const eventsBefore = new Date(now.getTime() - options.eventRetentionMs);
  const runsBefore = new Date(now.getTime() - options.runRetentionMs);
  const limit = options.batchSize ?? 1_000;
  const result = { events: 0, deliveries: 0, runs: 0, rolledUp: 0, batches: 0 };
  if (options.dryRun === true) {
    Object.assign(result, await countPrunableEvents(prisma, eventsBefore));
    result.runs = await countPrunableRuns(prisma, runsBefore);
  } else {
    let cursor: EventPruneCursor | null = null;
    for (;;) {
      const batch = await pruneEventsBatch(prisma, { before: eventsBefore, limit, after: cursor });
      result.batches += 1;
      result.events += batch.events;
      result.deliveries += batch.deliveries;
      if (batch.scanned < limit || batch.cursor === null) break;
      cursor = batch.cursor;
    }
    for (;;) {
      const runs = await pruneRunsBatch(prisma, { before: runsBefore, limit });
      result.batches += 1;
      result.runs += runs;
      if (runs < limit) break;
    }
    await compactTotals(prisma);
    // Not retention, but the same hourly housekeeping: the days closed since the last pass go
    // into the rollup that keeps file_daily_stats fast (one replica per fire, like the prune).
    result.rolledUp = (await rollUpClosedDays(prisma)).rows;
  }
  const pruned: PruneResult = {
    dryRun: options.dryRun === true,
    eventsBefore,
    runsBefore,
    ...result,
    durationMs: Math.round(performance.now() - started),
  };
  // Debug only: `prune` prints the result itself (stdout stays one JSON document with --json);
  // the scheduled pass logs it at info.
  options.logger.debug({ ...pruned }, pruned.dryRun ? "prune (dry run)" : "prune done");
  return pruned;
}
