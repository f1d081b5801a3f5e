import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { AppError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import type { Db } from "./prisma.js";

/** Where the Prisma-format migrations live, from both src/ (tests) and dist/ (the CLI). */
export const migrationsDir = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));

/** The advisory lock key `prisma migrate` itself takes, so our migrator and Prisma's exclude each other. */
const prismaMigrateLockKey = 72707369;

export class MigrationError extends AppError<
  "migration_edited" | "migration_failed" | "migration_missing"
> {}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

/** Prisma's own table, created exactly as `prisma migrate` creates it. */
const createMigrationsTable = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export async function readMigrationFiles(dir = migrationsDir): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(`${dir}/${name}/migration.sql`);
      return {
        name,
        sql: bytes.toString("utf8"),
        checksum: createHash("sha256").update(bytes).digest("hex"),
      };
    }),
  );
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * An exception to "the Prisma client is the front door" (see docs/architecture.md): migrations
 * run before the schema the client expects exists, on one connection that holds Prisma's
 * advisory lock across many statements.
 *
 * Applies pending migrations without the Prisma engine: in order, each in its own transaction,
 * under Prisma's advisory lock, recorded in `_prisma_migrations` as Prisma records them, so that
 * `prisma migrate deploy` and this function agree on what is applied.
 */
export async function migrate(
  url: string,
  logger: Logger,
  options: { dir?: string; connectTimeoutMs?: number } = {},
): Promise<MigrateResult> {
  const files = await readMigrationFiles(options.dir);
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: "novita-file-sync migrate",
  });
  client.on("error", (error) => logger.warn({ err: error }, "migration connection failed"));
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [prismaMigrateLockKey]);
    await client.query(createMigrationsTable);
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at
         FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at`,
    );
    checkApplied(rows, files);
    const appliedNames = new Set(rows.map((r) => r.migration_name));
    const applied: string[] = [];
    for (const file of files) {
      if (appliedNames.has(file.name)) continue;
      await applyOne(client, file);
      logger.info({ migration: file.name }, "applied migration");
      applied.push(file.name);
    }
    return { applied, alreadyApplied: appliedNames.size };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [prismaMigrateLockKey]).catch(() => {});
    await client.end().catch(() => {});
  }
}

function checkApplied(rows: AppliedRow[], files: MigrationFile[]): void {
  const byName = new Map(files.map((f) => [f.name, f]));
  for (const row of rows) {
    if (row.finished_at === null) {
      throw new MigrationError(
        "migration_failed",
        `Migration ${row.migration_name} failed earlier and was not completed. Fix the database by hand, ` +
          `then mark it rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${row.migration_name}') ` +
          "or run `prisma migrate resolve`, and migrate again.",
      );
    }
    const file = byName.get(row.migration_name);
    if (file === undefined) {
      throw new MigrationError(
        "migration_missing",
        `Migration ${row.migration_name} is applied to the database but missing from ${migrationsDir}; ` +
          "this build is older than the database. Run a newer version.",
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        "migration_edited",
        `Migration file prisma/migrations/${row.migration_name}/migration.sql was edited after it was applied ` +
          "(its sha256 no longer matches _prisma_migrations.checksum). Restore the original file and put the change in a new migration.",
      );
    }
  }
}

async function applyOne(client: pg.Client, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, file.checksum, file.name],
    );
    await client.query(file.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    // Recorded as Prisma records a failed migration, so neither tool goes on past it.
    await client
      .query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, logs, applied_steps_count)
         VALUES ($1, $2, $3, now(), $4, 0)`,
        [id, file.checksum, file.name, String((error as Error).message)],
      )
      .catch(() => {});
    throw new MigrationError(
      "migration_failed",
      `Migration ${file.name} failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Names of migrations that exist as files but are not applied (for readiness checks). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const files = await readMigrationFiles();
  const rows = await db.$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  const applied = new Set(rows.map((r) => r.migration_name));
  return files.filter((f) => !applied.has(f.name)).map((f) => f.name);
}
