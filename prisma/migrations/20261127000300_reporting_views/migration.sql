-- Reporting (issue 8): four views for analysts and the `report` command, and the indexes that
-- keep them fast with months of history. Every column is described in docs/reporting.md.
-- Days are UTC days. Views only read; nothing here changes how the sync writes.

-- file_overview: one row per file, its current fields and derived times. The sync does not
-- rewrite unchanged files, so for a file that is listed (active, missed_runs = 0) the live "last
-- seen" is the start of the latest applied run; otherwise it is files.last_seen_at.
CREATE VIEW "file_overview" AS
SELECT f."id",
       f."object",
       f."filename",
       f."bytes",
       f."purpose",
       f."created_at",
       f."expires_at",
       f."total_requests",
       f."metadata",
       f."status",
       f."version",
       f."missed_runs",
       f."first_seen_at",
       CASE WHEN f."status" = 'active' AND f."missed_runs" = 0
            THEN greatest(f."last_seen_at", (SELECT max(r."started_at") FROM "sync_runs" r
                                              WHERE r."status" IN ('succeeded', 'guarded')))
            ELSE f."last_seen_at"
       END AS "last_seen_at",
       f."last_changed_at",
       f."disappeared_at",
       CASE WHEN f."status" = 'disappeared'
            THEN CASE WHEN f."expires_at" <= f."disappeared_at" THEN 'expired' ELSE 'deleted' END
       END AS "disappeared_reason",
       coalesce(f."disappeared_at", now()) - f."created_at" AS "lifetime",
       CASE WHEN f."status" = 'active' THEN f."expires_at" - now() END AS "time_to_expiry"
  FROM "files" f;

-- file_history: every version of every file, with its validity interval [valid_from, valid_to),
-- what changed, and the previous version's values. The previous version is a LEFT JOIN on the
-- primary key, which PostgreSQL removes from the plan when no previous_* column is read.
CREATE VIEW "file_history" AS
SELECT v."file_id",
       v."version",
       v."valid_from",
       v."valid_to",
       v."valid_to" IS NULL AS "is_current",
       coalesce(v."valid_to", now()) - v."valid_from" AS "valid_for",
       v."change",
       v."changed_fields",
       v."status",
       CASE WHEN v."change" = 'disappeared'
            THEN CASE WHEN v."expires_at" <= v."valid_from" THEN 'expired' ELSE 'deleted' END
       END AS "disappeared_reason",
       v."object",
       v."filename",
       v."bytes",
       v."purpose",
       v."created_at",
       v."expires_at",
       v."total_requests",
       v."metadata",
       p."filename" AS "previous_filename",
       p."bytes" AS "previous_bytes",
       p."purpose" AS "previous_purpose",
       p."created_at" AS "previous_created_at",
       p."expires_at" AS "previous_expires_at",
       p."total_requests" AS "previous_total_requests",
       p."metadata" AS "previous_metadata",
       v."sync_run_id"
  FROM "file_versions" v
  LEFT JOIN "file_versions" p ON p."file_id" = v."file_id" AND p."version" = v."version" - 1;

-- file_daily_stats: per UTC day and purpose, from the first version's day to today. `files` and
-- `bytes` are what was held at the end of the day: active versions with
-- valid_from < next midnight <= valid_to (today: the state as of the latest run). They are a
-- running sum over the days of +1 where an active version starts and -1 where it ends. Only
-- versions that are current or span a UTC midnight can be held at a day's end, so only those are
-- read (index-only, file_versions_held_at_day_end_idx): a file that changes every hour costs one
-- row a day, not 24. `created`, `reappeared`, `disappeared`, `expired` and `deleted` count the
-- versions that began that day with that change (index-only, file_versions_change_valid_from_idx).
CREATE VIEW "file_daily_stats" AS
WITH "held" AS NOT MATERIALIZED (
    SELECT v."purpose", v."bytes", v."valid_to",
           (v."valid_from" AT TIME ZONE 'UTC')::date AS "from_day",
           (v."valid_to" AT TIME ZONE 'UTC')::date AS "to_day"
      FROM "file_versions" v
     WHERE v."status" = 'active'
       AND (v."valid_to" IS NULL
            OR (v."valid_to" AT TIME ZONE 'UTC')::date > (v."valid_from" AT TIME ZONE 'UTC')::date)
), "held_deltas" AS (
    SELECT "day", "purpose", sum("files") AS "files", sum("bytes") AS "bytes"
      FROM (SELECT "from_day" AS "day", "purpose", count(*) AS "files", sum("bytes") AS "bytes"
              FROM "held" GROUP BY 1, 2
            UNION ALL
            SELECT "to_day", "purpose", -count(*), -sum("bytes")
              FROM "held" WHERE "valid_to" IS NOT NULL GROUP BY 1, 2) AS e
     GROUP BY 1, 2
), "changes" AS (
    SELECT (v."valid_from" AT TIME ZONE 'UTC')::date AS "day", v."purpose",
           count(*) FILTER (WHERE v."change" = 'created') AS "created",
           count(*) FILTER (WHERE v."change" = 'reappeared') AS "reappeared",
           count(*) FILTER (WHERE v."change" = 'disappeared') AS "disappeared",
           count(*) FILTER (WHERE v."change" = 'disappeared' AND v."expires_at" <= v."valid_from")
             AS "expired"
      FROM "file_versions" v
     WHERE v."change" IN ('created', 'reappeared', 'disappeared')
     GROUP BY 1, 2
), "days" AS (
    SELECT d::date AS "day"
      FROM (SELECT min("valid_from") AS "first" FROM "file_versions") AS b,
           generate_series((b."first" AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date,
                           interval '1 day') AS d
), "purposes" AS (
    -- Unnested from an array so that the planner expects a few purposes (not 200 per CTE, which
    -- would make it plan for a huge day × purpose grid and switch on JIT compilation).
    SELECT unnest(ARRAY(SELECT "purpose" FROM "held_deltas" UNION SELECT "purpose" FROM "changes"))
             AS "purpose"
)
SELECT g."day",
       g."purpose",
       (sum(coalesce(h."files", 0)) OVER w)::bigint AS "files",
       (sum(coalesce(h."bytes", 0)) OVER w)::bigint AS "bytes",
       coalesce(c."created", 0) AS "created",
       coalesce(c."reappeared", 0) AS "reappeared",
       coalesce(c."disappeared", 0) AS "disappeared",
       coalesce(c."expired", 0) AS "expired",
       coalesce(c."disappeared" - c."expired", 0) AS "deleted"
  FROM (SELECT d."day", p."purpose" FROM "days" d CROSS JOIN "purposes" p) AS g
  LEFT JOIN "held_deltas" h ON h."day" = g."day" AND h."purpose" = g."purpose"
  LEFT JOIN "changes" c ON c."day" = g."day" AND c."purpose" = g."purpose"
WINDOW w AS (PARTITION BY g."purpose" ORDER BY g."day");

-- sync_run_summary: one row per sync run with its outcome, counts, duration, and the gap since
-- the run before it (any status). The previous run is one index probe per row, so a query for the
-- latest runs stays cheap however many runs there are.
CREATE VIEW "sync_run_summary" AS
SELECT r."id",
       r."trigger",
       r."status",
       r."status" IN ('succeeded', 'guarded') AS "applied",
       CASE r."status"
            WHEN 'failed' THEN 'failed: ' || coalesce(r."error_code", 'unknown')
            WHEN 'guarded' THEN 'guarded: held back ' || r."guarded"
            WHEN 'skipped' THEN 'skipped: another sync was running'
            ELSE r."status"
       END AS "outcome",
       r."started_at",
       r."finished_at",
       r."duration_ms",
       r."duration_ms" * interval '1 millisecond' AS "duration",
       r."files_seen",
       r."created",
       r."updated",
       r."disappeared",
       r."reappeared",
       r."created" + r."updated" + r."disappeared" + r."reappeared" AS "changes",
       r."invalid",
       r."guarded",
       r."error_code",
       r."error",
       prev."id" AS "previous_run_id",
       r."started_at" - prev."started_at" AS "gap_since_previous"
  FROM "sync_runs" r
  LEFT JOIN LATERAL (
      SELECT p."id", p."started_at" FROM "sync_runs" p
       WHERE p."started_at" < r."started_at"
       ORDER BY p."started_at" DESC
       LIMIT 1
  ) prev ON true;

-- Indexes, chosen with EXPLAIN on 100k files and 30 days of hourly history (bench/reporting-views.ts).
-- Versions by kind of change and time: disappearances since a moment (`report disappeared`),
-- reappearances, recent updates, and (index-only) the change counts of file_daily_stats.
CREATE INDEX "file_versions_change_valid_from_idx"
    ON "file_versions"("change", "valid_from", "purpose", "expires_at");
-- The versions that can be held at a day's end (current, or spanning a UTC midnight), covering
-- what file_daily_stats sums, so that view reads them index-only instead of the whole history.
-- Partial, so Prisma cannot express it; schema.prisma does not list it.
CREATE INDEX "file_versions_held_at_day_end_idx"
    ON "file_versions"("valid_from", "purpose", "bytes", "valid_to")
    WHERE "status" = 'active'
      AND ("valid_to" IS NULL
           OR ("valid_to" AT TIME ZONE 'UTC')::date > ("valid_from" AT TIME ZONE 'UTC')::date);
