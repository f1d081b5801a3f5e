import type pg from "pg";
import { fileJson, trackedFields, versionStateColumns, versionStateFrom } from "./file-sql.js";

export interface RunContext {
  runId: number;
  /** The run's clock (database time at its start): valid_from, last seen, event time. */
  at: Date;
}

/**
 * Inserts files the mirror has never seen, each with its first version and, unless this is the
 * bootstrap run, a file.created event. Returns how many.
 */
export async function insertNewFiles(
  client: pg.ClientBase,
  run: RunContext,
  emitEvents: boolean,
): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `WITH inserted AS (
       INSERT INTO files (id, ${versionStateColumns}, status, first_seen_at, last_changed_at,
                          version, missed_runs, last_seen_at)
       SELECT l.id, ${versionStateFrom("l")}, 'active', $2, $2, 1, 0, $2
         FROM listing l
        WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.id = l.id)
       RETURNING *
     ), versions AS (
       INSERT INTO file_versions (file_id, version, valid_from, ${versionStateColumns}, status, change, sync_run_id)
       SELECT i.id, 1, $2, ${versionStateFrom("i")}, 'active', 'created', $1 FROM inserted i
     ), created_events AS (
       INSERT INTO events (type, file_id, occurred_at, data, sync_run_id)
       SELECT 'file.created', i.id, $2, jsonb_build_object('file', ${fileJson("i")}), $1
         FROM inserted i WHERE $3 ORDER BY i.id
     )
     SELECT count(*)::int AS n FROM inserted`,
    [run.runId, run.at, emitEvents],
  );
  return rows[0]!.n;
}

const changedFieldsArray = `array_remove(ARRAY[${trackedFields
  .map((c) => `CASE WHEN f.${c} IS DISTINCT FROM l.${c} THEN '${c}' END`)
  .join(", ")}], NULL)`;

/**
 * Applies listed files whose state differs from the mirror, and disappeared files that are listed
 * again: the row is updated, the current version closed and a new one opened, and a file.updated
 * (each changed field with old and new value) or file.reappeared event written.
 */
export async function applyChangedFiles(
  client: pg.ClientBase,
  run: RunContext,
): Promise<{ updated: number; reappeared: number }> {
  await client.query(
    `CREATE TEMP TABLE changes ON COMMIT DROP AS
     SELECT l.id, f.status AS old_status, f.disappeared_at AS old_disappeared_at,
            ${changedFieldsArray} AS changed_fields, ${fileJson("f")} AS old_file
       FROM listing l JOIN files f ON f.id = l.id
      WHERE f.status = 'disappeared'
         OR (${trackedFields.map((c) => `f.${c}`).join(", ")})
            IS DISTINCT FROM (${trackedFields.map((c) => `l.${c}`).join(", ")})`,
  );
  await client.query(
    `UPDATE files f
        SET ${["object", ...trackedFields].map((c) => `${c} = l.${c}`).join(", ")},
            status = 'active', disappeared_at = NULL, version = f.version + 1,
            last_changed_at = $1, missed_runs = 0, last_seen_at = $1
       FROM changes c JOIN listing l ON l.id = c.id
      WHERE f.id = c.id`,
    [run.at],
  );
  await closeCurrentVersions(client, "changes", run.at);
  await client.query(
    `INSERT INTO file_versions (file_id, version, valid_from, ${versionStateColumns}, status, change, changed_fields, sync_run_id)
     SELECT f.id, f.version, $2, ${versionStateFrom("f")}, 'active',
            CASE WHEN c.old_status = 'disappeared' THEN 'reappeared' ELSE 'updated' END,
            c.changed_fields, $1
       FROM changes c JOIN files f ON f.id = c.id`,
    [run.runId, run.at],
  );
  const { rows } = await client.query<{ updated: number; reappeared: number }>(
    `WITH written AS (
       INSERT INTO events (type, file_id, occurred_at, data, sync_run_id)
       SELECT CASE WHEN c.old_status = 'disappeared' THEN 'file.reappeared' ELSE 'file.updated' END,
              c.id, $2,
              jsonb_build_object(
                'file', ${fileJson("f")},
                'changes', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                  'field', field, 'old', c.old_file -> field, 'new', ${fileJson("f")} -> field)
                                  ORDER BY field), '[]'::jsonb)
                              FROM unnest(c.changed_fields) AS field))
              || CASE WHEN c.old_status = 'disappeared'
                      THEN jsonb_build_object('disappeared_at', c.old_disappeared_at) ELSE '{}'::jsonb END,
              $1
         FROM changes c JOIN files f ON f.id = c.id
        ORDER BY c.id
       RETURNING type
     )
     SELECT count(*) FILTER (WHERE type = 'file.updated')::int AS updated,
            count(*) FILTER (WHERE type = 'file.reappeared')::int AS reappeared
       FROM written`,
    [run.runId, run.at],
  );
  return rows[0]!;
}

/**
 * Listed files (valid or seen-but-invalid) that had been missing from earlier listings are seen
 * again: their miss count resets. Unchanged files that were never missing cost no write.
 */
export async function resetSeenMissedFiles(client: pg.ClientBase, run: RunContext): Promise<void> {
  await client.query(
    `UPDATE files f SET missed_runs = 0, last_seen_at = $1
      WHERE f.missed_runs > 0 AND f.status = 'active'
        AND (EXISTS (SELECT 1 FROM listing l WHERE l.id = f.id)
             OR EXISTS (SELECT 1 FROM seen_invalid s WHERE s.id = f.id))`,
    [run.at],
  );
}

/** Closes the current version of every file listed in a temporary table with an `id` column. */
export async function closeCurrentVersions(
  client: pg.ClientBase,
  table: "changes" | "gone",
  at: Date,
): Promise<void> {
  await client.query(
    `UPDATE file_versions v SET valid_to = $1
       FROM ${table} t WHERE v.file_id = t.id AND v.valid_to IS NULL`,
    [at],
  );
}
