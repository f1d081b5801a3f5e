import type { Database } from "../db/open-database.js";
import { readOutboxBacklog, type SinkBacklog } from "../events/read-outbox-backlog.js";
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
  lastSuccess: { id: number; status: string; startedAt: Date } | null;
  filesByStatus: { status: string; count: number }[];
  expiring: { withinMs: number; count: number };
  sinks: SinkBacklog[];
}

/** Reads the status in a handful of small queries, each bounded by an index or a tiny table. */
export async function readStatus(
  database: Database,
  options: { staleAfterMs: number; expiringWithinMs: number; lastRuns: number; now: Date },
): Promise<MirrorStatus> {
  const { prisma, pool } = database;
  const { now } = options;
  const readiness = await checkReadiness(pool, options.staleAfterMs);
  const [schema, recent, lastSuccess, byStatus, expiring, sinks] = await Promise.all([
    readSchemaVersion(database),
    listRecentRuns(pool, { last: options.lastRuns }),
    prisma.syncRun.findFirst({
      where: { status: { in: ["succeeded", "guarded"] } },
      orderBy: { startedAt: "desc" },
      select: { id: true, status: true, startedAt: true },
    }),
    prisma.file.groupBy({ by: ["status"], _count: { _all: true }, orderBy: { status: "asc" } }),
    prisma.file.count({
      where: {
        status: "active",
        expiresAt: { gt: now, lte: new Date(now.getTime() + options.expiringWithinMs) },
      },
    }),
    readOutboxBacklog(pool, now),
  ]);
  return {
    now,
    readiness,
    schema,
    lastRuns: recent.runs,
    lastSuccess,
    filesByStatus: byStatus.map((g) => ({ status: g.status, count: g._count._all })),
    expiring: { withinMs: options.expiringWithinMs, count: expiring },
    sinks,
  };
}

/** Prisma's own bookkeeping table has no model: one tagged query. */
async function readSchemaVersion(database: Database): Promise<MirrorStatus["schema"]> {
  const rows = await database.prisma.$queryRaw<{ latest: string | null; applied: number }[]>`
    SELECT max(migration_name) AS latest, count(*)::int AS applied
      FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  return { latestMigration: rows[0]?.latest ?? null, applied: rows[0]?.applied ?? 0 };
}
