import type pg from "pg";
import { closeCurrentVersions, type RunContext } from "./apply-listed-files.js";
import { fileJson, versionStateColumns, versionStateFrom } from "./file-sql.js";
import type { MissingCounts } from "./plan-disappearances.js";

/**
 * Finds active files absent from this complete listing (seen-but-invalid ids count as present),
 * with their consecutive misses including this run, into the temporary table `missing`.
 */
export async function findMissingFiles(
  client: pg.ClientBase,
  confirmations: number,
  guardConfirmations: number,
): Promise<MissingCounts> {
  await client.query(
    `CREATE TEMP TABLE missing ON COMMIT DROP AS
     SELECT f.id, f.missed_runs + 1 AS misses, f.missed_runs = 0 AS newly_missing
       FROM files f
      WHERE f.status = 'active'
        AND NOT EXISTS (SELECT 1 FROM listing l WHERE l.id = f.id)
        AND NOT EXISTS (SELECT 1 FROM seen_invalid s WHERE s.id = f.id)`,
  );
  const { rows } = await client.query<MissingCounts>(
    `SELECT (SELECT count(*) FROM files WHERE status = 'active')::int AS "activeFiles",
            count(*) FILTER (WHERE misses >= $1)::int AS candidates,
            count(*) FILTER (WHERE misses >= greatest($1, $2))::int AS "confirmedPastGuard"
       FROM missing`,
    [confirmations, guardConfirmations],
  );
  return rows[0]!;
}

/**
 * Counts this run's miss on every missing file. A file missed for the first time keeps, as its
 * last seen time, the start of the previous applied run (the last listing that included it).
 */
export async function recordMisses(client: pg.ClientBase, run: RunContext): Promise<void> {
  // Phase 2 of issue 15: this subquery is "the latest applied run other than this one"; it
  // should become findLatestAppliedRun (src/db/tables/sync-runs.ts) when the apply moves to Prisma.
  await client.query(
    `UPDATE files f
        SET missed_runs = m.misses,
            last_seen_at = CASE WHEN m.newly_missing THEN coalesce(
              (SELECT max(started_at) FROM sync_runs
                WHERE status IN ('succeeded', 'guarded') AND id <> $1), f.last_seen_at)
              ELSE f.last_seen_at END
       FROM missing m WHERE f.id = m.id`,
    [run.runId],
  );
}

/**
 * Marks missing files with at least `acceptFromMisses` consecutive misses as disappeared: new
 * version, closed old one, and a file.disappeared event whose reason is `expired` when the file's
 * expires_at has passed (database time), else `deleted`.
 */
export async function disappearFiles(
  client: pg.ClientBase,
  run: RunContext,
  acceptFromMisses: number,
): Promise<number> {
  await client.query(
    `CREATE TEMP TABLE gone ON COMMIT DROP AS
     SELECT m.id, m.misses FROM missing m WHERE m.misses >= $1`,
    [acceptFromMisses],
  );
  await client.query(
    `UPDATE files f
        SET status = 'disappeared', disappeared_at = $1, version = f.version + 1, last_changed_at = $1
       FROM gone g WHERE f.id = g.id`,
    [run.at],
  );
  await closeCurrentVersions(client, "gone", run.at);
  await client.query(
    `INSERT INTO file_versions (file_id, version, valid_from, ${versionStateColumns}, status, change, sync_run_id)
     SELECT f.id, f.version, $2, ${versionStateFrom("f")}, 'disappeared', 'disappeared', $1
       FROM gone g JOIN files f ON f.id = g.id`,
    [run.runId, run.at],
  );
  const { rows } = await client.query<{ n: number }>(
    `WITH written AS (
       INSERT INTO events (type, file_id, occurred_at, data, sync_run_id)
       SELECT 'file.disappeared', f.id, $2,
              jsonb_build_object(
                'file', ${fileJson("f")},
                'reason', CASE WHEN f.expires_at IS NOT NULL AND f.expires_at <= $2 THEN 'expired' ELSE 'deleted' END,
                'last_seen_at', f.last_seen_at,
                'missed_runs', g.misses),
              $1
         FROM gone g JOIN files f ON f.id = g.id
        ORDER BY f.id
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM written`,
    [run.runId, run.at],
  );
  return rows[0]!.n;
}
