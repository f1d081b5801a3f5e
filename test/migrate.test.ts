import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MigrationError, migrate, migrationsDir, readMigrationFiles } from "../src/db/migrate.js";
import { silentLogger } from "../src/logging/logger.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";
import { createTestDatabase } from "./helpers/test-database.js";

const tables = (db: { query: (sql: string) => Promise<Record<string, unknown>[]> }) =>
  db
    .query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .then((rows) => rows.map((r) => r.table_name));

describe("migrate", () => {
  it("creates the five tables and _prisma_migrations on an empty database, and a second run changes nothing", async () => {
    const db = await createTestDatabase({ migrated: false });
    const first = await migrate(db.url, silentLogger);
    expect(first.applied.length).toBeGreaterThan(0);
    expect(await tables(db)).toEqual(
      expect.arrayContaining([
        "_prisma_migrations",
        "event_deliveries",
        "events",
        "file_versions",
        "files",
        "sync_runs",
      ]),
    );
    const recorded = await db.query(
      "SELECT migration_name, checksum, applied_steps_count, finished_at FROM _prisma_migrations ORDER BY migration_name",
    );
    const files = await readMigrationFiles();
    expect(recorded.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(
      files.map((f) => [f.name, f.checksum, 1]),
    );
    const second = await migrate(db.url, silentLogger);
    expect(second.applied).toEqual([]);
    expect(await db.query("SELECT count(*)::int AS n FROM _prisma_migrations")).toEqual([
      { n: files.length },
    ]);
  });

  it("applies each migration once when several processes migrate at the same moment", async () => {
    const db = await createTestDatabase({ migrated: false });
    const results = await Promise.all([1, 2, 3].map(() => migrate(db.url, silentLogger)));
    const files = await readMigrationFiles();
    expect(results.flatMap((r) => r.applied).sort()).toEqual(files.map((f) => f.name).sort());
    const counts = await db.query(
      "SELECT migration_name, count(*)::int AS n FROM _prisma_migrations GROUP BY 1",
    );
    expect(counts.every((r) => r.n === 1)).toBe(true);
  });

  it("refuses to run, naming the file, when an applied migration was edited", async () => {
    const db = await createTestDatabase({ migrated: false });
    const dir = temporaryDirectory("nfs-migrations-");
    cpSync(migrationsDir, dir, { recursive: true });
    await migrate(db.url, silentLogger, { dir });
    const [first] = await readMigrationFiles(dir);
    writeFileSync(join(dir, first!.name, "migration.sql"), `${first!.sql}\n-- edited\n`);
    const error = await migrate(db.url, silentLogger, { dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).code).toBe("migration_edited");
    expect((error as Error).message).toContain(`${first!.name}/migration.sql`);
  });

  it("records a failing migration as failed, applies nothing of it, and refuses until it is resolved", async () => {
    const db = await createTestDatabase({ migrated: false });
    const dir = temporaryDirectory("nfs-migrations-");
    cpSync(migrationsDir, dir, { recursive: true });
    cpSync(
      join(dir, (await readMigrationFiles(dir))[0]!.name),
      join(dir, "99990101000000_broken"),
      {
        recursive: true,
      },
    );
    writeFileSync(
      join(dir, "99990101000000_broken", "migration.sql"),
      "CREATE TABLE half_done (id int);\nSELECT no_such_function();\n",
    );
    const error = await migrate(db.url, silentLogger, { dir }).catch((e: unknown) => e);
    expect((error as MigrationError).code).toBe("migration_failed");
    expect(await db.query("SELECT to_regclass('half_done') AS t")).toEqual([{ t: null }]);
    const again = await migrate(db.url, silentLogger, { dir }).catch((e: unknown) => e);
    expect((again as MigrationError).code).toBe("migration_failed");
    expect((again as Error).message).toContain("99990101000000_broken");
  });
});
