import type { Db } from "../db/prisma.js";
import { listRunSummaries, type RunSummary } from "../db/tables/sync-runs.js";

export type { RunSummary } from "../db/tables/sync-runs.js";

export interface RecentRunsReport {
  /** How many runs were asked for. */
  last: number;
  /** Latest first. */
  runs: RunSummary[];
}

/** The latest `last` sync runs, latest first. */
export async function listRecentRuns(db: Db, options: { last: number }): Promise<RecentRunsReport> {
  return { last: options.last, runs: await listRunSummaries(db, options.last) };
}
