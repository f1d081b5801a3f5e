import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "../db/prisma.js";
import { readEventTotals } from "../db/tables/event-totals.js";
import { countDisappearedByReason } from "../db/tables/events.js";
import { countFilesByStatusAndPurpose } from "../db/tables/files.js";
import { countRunsByStatus } from "../db/tables/sync-runs.js";

/** What the tables say. */
export interface DemoCounts {
  /** Events written to the outbox (`events`) by type: what the worker decided. */
  written: Record<string, number>;
  /** `file.disappeared` events in the outbox by data.reason (`deleted`, `expired`). */
  disappearedBy: Record<string, number>;
  /** Rows of `files` by status. */
  filesByStatus: Record<string, number>;
  /** Rows of `sync_runs` by status. */
  runsByStatus: Record<string, number>;
  readAt: Date;
}

export async function readDemoCounts(db: Db): Promise<DemoCounts> {
  const filesByStatus: Record<string, number> = {};
  for (const { status, count } of await countFilesByStatusAndPurpose(db)) {
    filesByStatus[status] = (filesByStatus[status] ?? 0) + count;
  }
  return {
    written: tally(await readEventTotals(db), "type"),
    disappearedBy: tally(await countDisappearedByReason(db), "reason"),
    filesByStatus: tally(
      Object.entries(filesByStatus).map(([status, count]) => ({ status, count })),
      "status",
    ),
    runsByStatus: tally(await countRunsByStatus(db), "status"),
    readAt: new Date(),
  };
}

/** Counts by key, keys in order (the summary lists them as they come). */
function tally<K extends string>(
  groups: ({ [key in K]: string } & { count: number })[],
  key: K,
): Record<string, number> {
  const sorted = [...groups].sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0));
  return Object.fromEntries(sorted.map((g) => [g[key], g.count]));
}

/**
 * Reads the counts every `everyMs` until stopped, keeping the latest. Ctrl-C in a terminal also
 * reaches the embedded PostgreSQL (same process group), which then shuts down at once: the
 * summary falls back to the last counts read.
 */
export function watchDemoCounts(
  db: Db,
  everyMs: number,
): { latest(): DemoCounts | undefined; stop(): Promise<void> } {
  const stopping = new AbortController();
  let latest: DemoCounts | undefined;
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      latest = await readDemoCounts(db).catch(() => latest);
      await sleep(everyMs, undefined, { signal: stopping.signal }).catch(() => {});
    }
  })();
  return {
    latest: () => latest,
    stop: async () => {
      stopping.abort();
      await loop;
    },
  };
}
