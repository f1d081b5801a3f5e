import type { Database } from "../db/open-database.js";
import type { Db } from "../db/prisma.js";
import { countFilesAtRisk } from "../db/tables/archive-records.js";
import { readOutboxBacklog, type SinkBacklog } from "../db/tables/event-deliveries.js";
import { countFilesExpiringWithin } from "../db/tables/files.js";
import { findLatestAppliedRun } from "../db/tables/sync-runs.js";
import { listRecentRuns, type RunSummary } from "../report/list-recent-runs.js";
import { checkReadiness, type Readiness } from "../worker/readiness.js";

/** What `status` shows: the mirror's health and the numbers an operator looks at first. */
export interface MirrorStatus {
  now: Date;
  /** The same checks as the worker's /readyz; `status` exits 1 when not ready. */
  readiness: Readiness;
  /** The latest applied migration and how many are applied. */
  schema: { latestMigration: string | null; applied: number };
  /** Latest first. */
  lastRuns: RunSummary[];
  /** The latest applied (succeeded or guarded) run. */
  lastSuccess: { id: number; startedAt: Date } | null;
  filesByStatus: { status: string; count: number }[];
  expiring: { withinMs: number; count: number };
  sinks: SinkBacklog[];
  /** With archiving on: active files expiring within the tightest window and not archived. */
  atRisk: { withinMs: number; count: number } | null;
}

/** Reads the status in a handful of small queries, each bounded by an index or a tiny table. */
export async function readStatus(
  database: Database,
  options: {
    staleAfterMs: number;
    expiringWithinMs: number;
    lastRuns: number;
    now: Date;
    /** The tightest warning window when archiving is on; null when it is off. */
    atRiskWithinMs: number | null;
  },
): Promise<MirrorStatus> {
  const { prisma } = database;
  const readiness = await checkReadiness(prisma, options.staleAfterMs);
  const { atRiskWithinMs } = options;
  const [schema, recent, lastSuccess, byStatus, expiring, sinks, atRisk] = await Promise.all([
    readSchemaVersion(prisma),
    listRecentRuns(prisma, { last: options.lastRuns }),
    findLatestAppliedRun(prisma),
    prisma.file.groupBy({ by: ["status"], _count: { _all: true }, orderBy: { status: "asc" } }),
    countFilesExpiringWithin(prisma, [options.expiringWithinMs]),
    readOutboxBacklog(prisma, options.now),
    atRiskWithinMs === null ? null : countFilesAtRisk(prisma, atRiskWithinMs),
  ]);
  return {
    now: options.now,
    readiness,
    schema,
    lastRuns: recent.runs,
    lastSuccess,
    filesByStatus: byStatus.map((g) => ({ status: g.status, count: g._count._all })),
    expiring: { withinMs: options.expiringWithinMs, count: expiring[0]?.count ?? 0 },
    sinks,
    atRisk:
      atRiskWithinMs === null || atRisk === null
        ? null
        : { withinMs: atRiskWithinMs, count: atRisk },
  };
}

/** Prisma's own bookkeeping table has no model: one tagged query. */
async function readSchemaVersion(db: Db): Promise<MirrorStatus["schema"]> {
  const rows = await db.$queryRaw<{ latest: string | null; applied: number }[]>`
    SELECT max(migration_name) AS latest, count(*)::int AS applied
      FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  return { latestMigration: rows[0]?.latest ?? null, applied: rows[0]?.applied ?? 0 };
}
