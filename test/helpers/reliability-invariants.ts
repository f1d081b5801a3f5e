import type { TestDatabase } from "./test-database.js";

type Db = Pick<TestDatabase, "query">;

/**
 * What must hold in the mirror whatever happened to the runs that wrote it. Returns one line per
 * violation (empty when consistent), so a failing test says which file broke which rule:
 * - every file has exactly one current version (valid_to null), and versions 1..files.version;
 * - the current version carries the file's status;
 * - no sync event for a file is written twice for the same version;
 * - no run is left `running` once the test says every sync is over.
 */
export async function mirrorViolations(
  db: Db,
  options: { allowRunning?: boolean } = {},
): Promise<string[]> {
  const versions = await db.query<{ id: string; problem: string }>(
    `SELECT f.id,
            format('version %s, %s versions numbered %s..%s, %s current, current status %s vs %s',
                   f.version, count(v.*), min(v.version), max(v.version),
                   count(*) FILTER (WHERE v.valid_to IS NULL),
                   max(v.status) FILTER (WHERE v.valid_to IS NULL), f.status) AS problem
       FROM files f LEFT JOIN file_versions v ON v.file_id = f.id
      GROUP BY f.id, f.version, f.status
     HAVING count(v.*) <> f.version OR min(v.version) <> 1 OR max(v.version) <> f.version
         OR count(*) FILTER (WHERE v.valid_to IS NULL) <> 1
         OR max(v.status) FILTER (WHERE v.valid_to IS NULL) <> f.status`,
  );
  const duplicates = await db.query<{ key: string; n: number }>(
    `SELECT format('%s %s v%s', type, file_id, data->'file'->>'version') AS key, count(*)::int AS n
       FROM events
      WHERE type IN ('file.created', 'file.updated', 'file.disappeared', 'file.reappeared')
      GROUP BY type, file_id, data->'file'->>'version' HAVING count(*) > 1`,
  );
  const running = options.allowRunning
    ? []
    : await db.query<{ id: number }>("SELECT id FROM sync_runs WHERE status = 'running'");
  return [
    ...versions.map((r) => `file ${r.id}: ${r.problem}`),
    ...duplicates.map((r) => `event ${r.key} written ${r.n} times`),
    ...running.map((r) => `run ${r.id} is still running`),
  ];
}

/** Rows a run wrote (versions and events); a failed or abandoned run must have written none. */
export async function rowsWrittenByRun(db: Db, runId: number): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM file_versions WHERE sync_run_id = $1)
          + (SELECT count(*) FROM events WHERE sync_run_id = $1) AS n`,
    [runId],
  );
  return Number(row!.n);
}

/** Every table of the public schema as JSON text, for checking that a secret is nowhere in it. */
export async function allTableText(db: Db): Promise<string> {
  const tables = await db.query<{ name: string }>(
    `SELECT quote_ident(table_name) AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await db.query<{ row: string }>(
      `SELECT row_to_json(t)::text AS row FROM ${name} t`,
    );
    parts.push(`${name}: ${rows.map((r) => r.row).join("\n")}`);
  }
  return parts.join("\n");
}
