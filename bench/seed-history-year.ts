// Seeds a year of history with set-based SQL (generate_series), one month per statement so that
// each transaction stays bounded: `scale` 1 is 10M events (one delivery each, to one sink),
// 105k sync runs and 3M file versions of 10k files. The newest hour of deliveries is pending.
import type pg from "pg";

const yearDays = 365;

export async function seedHistoryYear(pool: pg.Pool, scale: number): Promise<void> {
  const events = Math.round(10_000_000 * scale);
  const runs = Math.round(105_000 * scale);
  const files = Math.max(100, Math.round(10_000 * scale));
  const versionsPerFile = 300;
  await pool.query(
    "INSERT INTO event_sinks (sink) VALUES ('webhook:bench') ON CONFLICT DO NOTHING",
  );
  // Runs: evenly over the year, 1 in 50 failed, 1 in 200 skipped.
  await pool.query(
    `INSERT INTO sync_runs (trigger, status, started_at, finished_at, duration_ms, files_seen)
     SELECT 'cron', CASE WHEN g % 200 = 0 THEN 'skipped' WHEN g % 50 = 0 THEN 'failed' ELSE 'succeeded' END,
            now() - ($1 - g) * ($2::float8 / $1) * interval '1 day',
            now() - ($1 - g) * ($2::float8 / $1) * interval '1 day' + interval '2 seconds', 2000, $3
       FROM generate_series(1, $1) g`,
    [runs, yearDays, files],
  );
  await pool.query(
    `INSERT INTO files (id, object, filename, bytes, purpose, created_at, expires_at, metadata, status,
                        first_seen_at, last_changed_at, last_seen_at, version)
     SELECT 'file-' || g, 'file', 'f' || g || '.jsonl', 1000 + g, CASE WHEN g % 2 = 0 THEN 'batch' ELSE 'batch_output' END,
            now() - interval '365 days', now() + (g % 240) * interval '1 hour', '{}', 'active',
            now() - interval '365 days', now() - interval '1 day', now(), $2
       FROM generate_series(1, $1) g`,
    [files, versionsPerFile],
  );
  // Versions: each file changes every 365/300 days; the last version is current.
  await pool.query(
    `INSERT INTO file_versions (file_id, version, valid_from, valid_to, object, filename, bytes, purpose,
                                created_at, metadata, status, change, sync_run_id)
     SELECT 'file-' || f, v, now() - ($2 - v + 1) * ($3::float8 / $2) * interval '1 day',
            CASE WHEN v < $2 THEN now() - ($2 - v) * ($3::float8 / $2) * interval '1 day' END,
            'file', 'f' || f || '.jsonl', 1000 + v, CASE WHEN f % 2 = 0 THEN 'batch' ELSE 'batch_output' END,
            now() - interval '365 days', '{}', 'active', CASE WHEN v = 1 THEN 'created' ELSE 'updated' END,
            (SELECT max(id) FROM sync_runs) - ($2 - v) * ($4 / $2)
       FROM generate_series(1, $1) f, generate_series(1, $2) v`,
    [files, versionsPerFile, yearDays, runs],
  );
  const perMonth = Math.ceil(events / 12);
  for (let month = 0; month < 12; month++) {
    const first = month * perMonth + 1;
    const last = Math.min(events, first + perMonth - 1);
    await pool.query(
      `INSERT INTO events (type, file_id, occurred_at, data)
       SELECT CASE WHEN g % 10 = 0 THEN 'file.expiring' ELSE 'file.updated' END, 'file-' || (g % $4 + 1),
              now() - ($3 - g) * ($5::float8 / $3) * interval '1 day', '{"bytes": 1}'
         FROM generate_series($1::int, $2::int) g`,
      [first, last, events, files, yearDays],
    );
    await pool.query(
      `UPDATE event_deliveries d SET status = 'delivered', attempts = 1, delivered_at = now()
         FROM events e
        WHERE d.status = 'pending' AND e.id = d.event_id AND e.occurred_at < now() - interval '1 hour'`,
    );
  }
  await pool.query("VACUUM ANALYZE");
}
