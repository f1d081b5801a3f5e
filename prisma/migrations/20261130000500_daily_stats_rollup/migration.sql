-- Daily figures that stay fast (issue 17): file_daily_stats read every version that ever spanned
-- a UTC midnight on each read, so it grew with the history kept. A closed day never changes, so
-- its figures are kept in file_daily_rollup once, and the view computes only the days after the
-- rollup (today, or a few days if nothing rolled up lately) from a bounded range of versions.
--
-- The rollup keeps per-day *changes* (deltas), not running totals: "files held at the end of the
-- day" is the running sum of the deltas over the days, summed by the view (a few hundred rows a
-- year). So a closed day is rolled up once, from the versions that start or end on it, and the
-- days before it never need recomputing.

-- One row per closed UTC day and purpose that had any version start or end on it.
CREATE TABLE "file_daily_rollup" (
    "day" DATE NOT NULL,
    "purpose" TEXT NOT NULL,
    -- Held-at-day-end versions that began (+) and ended (-) on this day, and their bytes.
    "files_delta" BIGINT NOT NULL,
    "bytes_delta" BIGINT NOT NULL,
    "created" BIGINT NOT NULL,
    "reappeared" BIGINT NOT NULL,
    "disappeared" BIGINT NOT NULL,
    "expired" BIGINT NOT NULL,

    CONSTRAINT "file_daily_rollup_pkey" PRIMARY KEY ("day", "purpose")
);

-- One row: every day up to and including rolled_through is in file_daily_rollup (null: none yet).
CREATE TABLE "file_daily_rollup_state" (
    "id" BOOLEAN NOT NULL DEFAULT true,
    "rolled_through" DATE,

    CONSTRAINT "file_daily_rollup_state_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "file_daily_rollup_state_one_row" CHECK ("id")
);
INSERT INTO "file_daily_rollup_state" ("id", "rolled_through") VALUES (true, NULL);

-- The per-day deltas of every UTC day from `since` on, computed from the versions: exactly what
-- the former view summed. Each branch reads an index range that starts at `since` (the held
-- versions through file_versions_held_at_day_end_idx, those that ended through
-- file_versions_valid_to_idx, the changes through file_versions_change_valid_from_idx), so the
-- cost follows the days asked for, not the history. Used by the view and by the roll-up.
CREATE FUNCTION "file_daily_deltas"("since" date)
RETURNS TABLE ("day" date, "purpose" text, "files_delta" bigint, "bytes_delta" bigint,
               "created" bigint, "reappeared" bigint, "disappeared" bigint, "expired" bigint)
LANGUAGE plpgsql STABLE ROWS 20 AS $$
BEGIN
-- EXECUTE plans the query for the value of `since` on each call, so the planner sees a short
-- index range (a day or two) instead of guessing a third of the history; the ROWS estimate keeps
-- the view's own plan small. An inlined SQL function left both to guesses that turned on JIT
-- compilation (1.3 s of a 1.5 s read).
RETURN QUERY EXECUTE $query$
SELECT e."day", e."purpose", sum(e."files")::bigint, sum(e."bytes")::bigint, sum(e."created")::bigint,
       sum(e."reappeared")::bigint, sum(e."disappeared")::bigint, sum(e."expired")::bigint
  FROM (SELECT (v."valid_from" AT TIME ZONE 'UTC')::date AS "day", v."purpose",
               count(*) AS "files", sum(v."bytes") AS "bytes",
               0 AS "created", 0 AS "reappeared", 0 AS "disappeared", 0 AS "expired"
          FROM "file_versions" v
         WHERE v."status" = 'active'
           AND (v."valid_to" IS NULL
                OR (v."valid_to" AT TIME ZONE 'UTC')::date > (v."valid_from" AT TIME ZONE 'UTC')::date)
           AND v."valid_from" >= ($1::timestamp AT TIME ZONE 'UTC')
         GROUP BY 1, 2
        UNION ALL
        SELECT (v."valid_to" AT TIME ZONE 'UTC')::date, v."purpose", -count(*), -sum(v."bytes"),
               0, 0, 0, 0
          FROM "file_versions" v
         WHERE v."status" = 'active'
           AND (v."valid_to" AT TIME ZONE 'UTC')::date > (v."valid_from" AT TIME ZONE 'UTC')::date
           AND v."valid_to" >= ($1::timestamp AT TIME ZONE 'UTC')
         GROUP BY 1, 2
        UNION ALL
        SELECT (v."valid_from" AT TIME ZONE 'UTC')::date, v."purpose", 0, 0,
               count(*) FILTER (WHERE v."change" = 'created'),
               count(*) FILTER (WHERE v."change" = 'reappeared'),
               count(*) FILTER (WHERE v."change" = 'disappeared'),
               count(*) FILTER (WHERE v."change" = 'disappeared' AND v."expires_at" <= v."valid_from")
          FROM "file_versions" v
         WHERE v."change" IN ('created', 'reappeared', 'disappeared')
           AND v."valid_from" >= ($1::timestamp AT TIME ZONE 'UTC')
         GROUP BY 1, 2) AS e
 GROUP BY 1, 2
$query$ USING "since";
END;
$$;

-- file_daily_stats: same columns and answers as before (docs/reporting.md). The deltas are the
-- rollup's for the days it holds, and computed live for the days after it; the running sums over
-- the days give the files and bytes held at each day's end.
DROP VIEW "file_daily_stats";
CREATE VIEW "file_daily_stats" AS
WITH "state" AS (
    SELECT "rolled_through" FROM "file_daily_rollup_state"
), "deltas" AS (
    SELECT r."day", r."purpose", r."files_delta", r."bytes_delta", r."created", r."reappeared",
           r."disappeared", r."expired"
      FROM "file_daily_rollup" r
     WHERE r."day" <= (SELECT "rolled_through" FROM "state")
    UNION ALL
    SELECT l.*
      FROM "state" s,
           "file_daily_deltas"(coalesce(s."rolled_through" + 1, '-infinity'::date)) AS l
), "days" AS (
    SELECT d::date AS "day"
      FROM (SELECT min("valid_from") AS "first" FROM "file_versions") AS b,
           generate_series((b."first" AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date,
                           interval '1 day') AS d
), "purposes" AS (
    -- Unnested from an array so that the planner expects a few purposes (not hundreds, which
    -- would make it plan for a huge day × purpose grid and switch on JIT compilation).
    SELECT unnest(ARRAY(SELECT DISTINCT "purpose" FROM "deltas")) AS "purpose"
)
SELECT g."day",
       g."purpose",
       (sum(coalesce(d."files_delta", 0)) OVER w)::bigint AS "files",
       (sum(coalesce(d."bytes_delta", 0)) OVER w)::bigint AS "bytes",
       coalesce(d."created", 0) AS "created",
       coalesce(d."reappeared", 0) AS "reappeared",
       coalesce(d."disappeared", 0) AS "disappeared",
       coalesce(d."expired", 0) AS "expired",
       coalesce(d."disappeared" - d."expired", 0) AS "deleted"
  FROM (SELECT d."day", p."purpose" FROM "days" d CROSS JOIN "purposes" p) AS g
  LEFT JOIN "deltas" d ON d."day" = g."day" AND d."purpose" = g."purpose"
WINDOW w AS (PARTITION BY g."purpose" ORDER BY g."day");
