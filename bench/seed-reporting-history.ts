import type pg from "pg";

/** The shape of the seeded history. */
export interface HistoryShape {
  /** Files ever listed. */
  files: number;
  /** Days of hourly sync runs (days × 24 runs, the latest an hour ago at most). */
  days: number;
  /** Fraction of files that change at every run (a new version each hour). */
  churn: number;
}

// Set-based seed (generate_series, one statement per step, all in one session for the temporary
// tables). What it builds, in the shape the sync engine writes it:
// - runs every hour; every 53rd fails (no versions), every 211th is guarded;
// - 30% of the files are found by the first run (created up to 30 days earlier), the rest appear
//   at random runs; half are batch inputs, half batch outputs that expire 30 days after creation
//   and disappear (reason expired) at the first run after that;
// - a quarter of the inputs and 5% of the outputs are deleted at a random later run (outputs
//   that have not expired by then); 1% of the files disappear once and come back a few runs
//   later; `churn` of the files change at every run;
// - the outbox: one event per version (none for the bootstrap run) and file.expired per expiry.
// Ids are 'file-' || the first 24 hex digits of md5(n), so n = 42 is the id docs/reporting.md uses.
const steps = [
  `
INSERT INTO sync_runs (id, trigger, started_at, finished_at, status, duration_ms, error_code, error)
SELECT i,
       CASE WHEN i = 1 THEN 'startup' ELSE 'cron' END,
       t, t + ms * interval '1 millisecond',
       CASE WHEN i % 53 = 0 THEN 'failed' WHEN i % 211 = 0 THEN 'guarded' ELSE 'succeeded' END,
       ms,
       CASE WHEN i % 53 = 0 THEN (ARRAY['unavailable', 'rate_limited', 'auth'])[1 + i % 3] END,
       CASE WHEN i % 53 = 0
            THEN 'the file listing failed (' || (ARRAY['unavailable', 'rate_limited', 'auth'])[1 + i % 3] || ')' END
  FROM generate_series(1, current_setting('bench.runs')::int) AS i,
       LATERAL (SELECT date_trunc('hour', now()) - current_setting('bench.runs')::int * interval '1 hour'
                              + (i - 1) * interval '1 hour' AS t,
                       2000 + (random() * 6000)::int AS ms) x
`,
  `
SELECT setval(pg_get_serial_sequence('sync_runs', 'id'), current_setting('bench.runs')::int)
`,
  `
CREATE TEMP TABLE runs AS SELECT id, started_at FROM sync_runs WHERE status <> 'failed'
`,
  `
CREATE UNIQUE INDEX ON runs (id)
`,
  `
CREATE INDEX ON runs (started_at)
`,
  `
ANALYZE runs
`,
  `
-- One row per file: when it is created, and whether it is deleted, flaps or changes every hour.
CREATE TEMP TABLE plan AS
SELECT n, 'file-' || substr(md5(n::text), 1, 24) AS id,
       CASE WHEN n % 2 = 0 THEN 'batch' ELSE 'batch_output' END AS purpose,
       c.created_run,
       (SELECT started_at FROM runs WHERE id = c.created_run)
         - CASE WHEN c.created_run = 1 THEN random() * interval '30 days' ELSE random() * interval '1 hour' END
         AS created_at,
       random() < CASE WHEN n % 2 = 0 THEN 0.25 ELSE 0.05 END AS deleted,
       random() < 0.01 AS flaps,
       random() < current_setting('bench.churn')::float8 AS churns,
       (200 + random() * 50000000)::bigint AS bytes,
       random() AS r1, random() AS r2
  FROM (SELECT n, CASE WHEN random() < 0.3 THEN 1 ELSE 1 + floor(random() * current_setting('bench.runs')::int)::int END AS r0
          FROM generate_series(1, current_setting('bench.files')::int) AS n) a,
       LATERAL (SELECT a.r0 + (a.r0 % 53 = 0)::int AS created_run) c
`,
  `
ALTER TABLE plan ADD COLUMN expires_at timestamptz, ADD COLUMN gone_run int, ADD COLUMN flap_off int, ADD COLUMN flap_on int
`,
  `
UPDATE plan SET expires_at = created_at + interval '30 days' WHERE purpose = 'batch_output'
`,
  `
UPDATE plan p SET gone_run = (SELECT min(id) FROM runs WHERE started_at >= p.expires_at) WHERE expires_at IS NOT NULL
`,
  `
UPDATE plan p SET gone_run = least(p.gone_run, (SELECT min(id) FROM runs
                   WHERE id >= p.created_run + 1 + floor(p.r1 * (current_setting('bench.runs')::int - p.created_run))))
 WHERE deleted AND created_run < current_setting('bench.runs')::int
`,
  `
UPDATE plan p SET flap_off = (SELECT min(id) FROM runs WHERE id >= p.created_run + 1 + floor(p.r1 * (current_setting('bench.runs')::int - 20 - p.created_run)))
 WHERE flaps AND gone_run IS NULL AND created_run < current_setting('bench.runs')::int - 30
`,
  `
UPDATE plan p SET flap_on = (SELECT min(id) FROM runs WHERE id >= p.flap_off + 1 + floor(p.r2 * 6))
 WHERE flap_off IS NOT NULL
`,
  `
CREATE TEMP TABLE steps AS
SELECT id AS file_id, created_run AS run, 'created' AS change, 'active' AS status FROM plan
UNION ALL
SELECT p.id, r.id, 'updated', 'active' FROM plan p JOIN runs r
    ON r.id > p.created_run AND r.id < coalesce(p.gone_run, current_setting('bench.runs')::int + 1)
 WHERE p.churns AND NOT p.flaps
UNION ALL
SELECT id, gone_run, 'disappeared', 'disappeared' FROM plan WHERE gone_run IS NOT NULL
UNION ALL
SELECT id, flap_off, 'disappeared', 'disappeared' FROM plan WHERE flap_on IS NOT NULL
UNION ALL
SELECT id, flap_on, 'reappeared', 'active' FROM plan WHERE flap_on IS NOT NULL
`,
  `
CREATE TEMP TABLE versions AS
SELECT s.file_id, s.version, r.started_at AS valid_from,
       lead(r.started_at) OVER (PARTITION BY s.file_id ORDER BY s.version) AS valid_to,
       'file' AS object, p.purpose || '_' || p.id || '.jsonl' AS filename,
       p.bytes + CASE WHEN p.purpose = 'batch_output' THEN (s.version - 1) * 1000 ELSE 0 END AS bytes,
       p.purpose, p.created_at, p.expires_at,
       CASE WHEN p.purpose = 'batch' THEN 10 + s.version END AS total_requests,
       CASE WHEN p.purpose = 'batch' THEN jsonb_build_object('total_requests', 10 + s.version) ELSE '{}'::jsonb END AS metadata,
       s.status, s.change,
       CASE WHEN s.change <> 'updated' THEN ARRAY[]::text[]
            WHEN p.purpose = 'batch' THEN ARRAY['metadata', 'total_requests'] ELSE ARRAY['bytes'] END AS changed_fields,
       s.run AS sync_run_id
  FROM (SELECT *, row_number() OVER (PARTITION BY file_id ORDER BY run)::int AS version FROM steps) s
  JOIN plan p ON p.id = s.file_id
  JOIN runs r ON r.id = s.run
`,
  `
INSERT INTO files (id, object, filename, bytes, purpose, created_at, expires_at, total_requests, metadata,
                   status, first_seen_at, last_changed_at, disappeared_at, version, missed_runs, last_seen_at)
SELECT v.file_id, v.object, v.filename, v.bytes, v.purpose, v.created_at, v.expires_at, v.total_requests,
       v.metadata, v.status, p.first_seen_at, v.valid_from,
       CASE WHEN v.status = 'disappeared' THEN v.valid_from END,
       v.version, (v.status = 'disappeared')::int,
       CASE WHEN v.status = 'disappeared'
            THEN (SELECT max(started_at) FROM runs WHERE started_at < v.valid_from) ELSE v.valid_from END
  FROM versions v
  JOIN (SELECT file_id, min(valid_from) AS first_seen_at FROM versions GROUP BY file_id) p USING (file_id)
 WHERE v.valid_to IS NULL
`,
  `
INSERT INTO file_versions (file_id, version, valid_from, valid_to, object, filename, bytes, purpose,
                           created_at, expires_at, total_requests, metadata, status, change,
                           changed_fields, sync_run_id)
SELECT file_id, version, valid_from, valid_to, object, filename, bytes, purpose, created_at, expires_at,
       total_requests, metadata, status, change, changed_fields, sync_run_id
  FROM versions ORDER BY valid_from
`,
  `
-- Counts of each run, as the sync would have written them.
UPDATE sync_runs r
   SET created = c.created, updated = c.updated, disappeared = c.disappeared, reappeared = c.reappeared,
       files_seen = c.held
  FROM (SELECT run.id,
               count(v.*) FILTER (WHERE v.change = 'created') AS created,
               count(v.*) FILTER (WHERE v.change = 'updated') AS updated,
               count(v.*) FILTER (WHERE v.change = 'disappeared') AS disappeared,
               count(v.*) FILTER (WHERE v.change = 'reappeared') AS reappeared,
               sum(count(v.*) FILTER (WHERE v.change IN ('created', 'reappeared'))
                   - count(v.*) FILTER (WHERE v.change = 'disappeared')) OVER (ORDER BY run.id) AS held
          FROM runs run LEFT JOIN file_versions v ON v.sync_run_id = run.id
         GROUP BY run.id) c
 WHERE r.id = c.id
`,
  `
-- The outbox as the sync and the expiry scanner would have written it (the bootstrap run wrote
-- one sync.bootstrapped event instead of file.created). Triggers off: no sink is registered and
-- nobody listens, and 100k+ NOTIFYs in one transaction only slow the seed down.
ALTER TABLE events DISABLE TRIGGER USER
`,
  `
INSERT INTO events (type, file_id, occurred_at, data, sync_run_id)
SELECT 'file.' || v.change, v.file_id, v.valid_from,
       jsonb_build_object('file', jsonb_build_object('id', v.file_id, 'bytes', v.bytes, 'purpose', v.purpose))
         || CASE WHEN v.change = 'disappeared'
                 THEN jsonb_build_object('reason', CASE WHEN v.expires_at <= v.valid_from THEN 'expired' ELSE 'deleted' END)
                 ELSE '{}'::jsonb END,
       v.sync_run_id
  FROM file_versions v
 WHERE v.sync_run_id <> 1
 ORDER BY v.valid_from, v.file_id
`,
  `
INSERT INTO events (type, file_id, occurred_at, data, dedupe_key)
SELECT 'file.expired', f.id, f.expires_at + interval '30 seconds',
       jsonb_build_object('expires_at', f.expires_at, 'purpose', f.purpose, 'bytes', f.bytes),
       'file.expired:' || f.id || ':' || floor(extract(epoch FROM f.expires_at))::bigint
  FROM files f
 WHERE f.expires_at <= now() AND f.expires_at >= f.first_seen_at
 ORDER BY f.expires_at
`,
  `
ALTER TABLE events ENABLE TRIGGER USER
`,
];

/** Fills a freshly migrated database with the history described above. */
export async function seedReportingHistory(
  client: pg.ClientBase,
  shape: HistoryShape,
): Promise<void> {
  await client.query(
    "SELECT set_config('bench.files', $1, false), set_config('bench.runs', $2, false), set_config('bench.churn', $3, false), setseed(0.42)",
    [String(shape.files), String(shape.days * 24), String(shape.churn)],
  );
  for (const sql of steps) await client.query(sql);
}
