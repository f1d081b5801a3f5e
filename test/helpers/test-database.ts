import { randomBytes } from "node:crypto";
import type pg from "pg";
import { inject } from "vitest";
import type { PrismaClient } from "../../src/db/prisma.js";
import { onCleanup } from "./cleanup.js";
import { connectDatabase } from "./connect-database.js";
import { databaseUrl, withAdmin } from "./global-setup.js";

export interface TestDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  prisma: PrismaClient;
  /** Runs raw SQL on the test database (assertions are on rows). */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<R[]>;
}

/**
 * A fresh database, cloned from the migrated template, for the calling test file. It is dropped
 * after the file's tests (wherever it was created: in a test, a hook or at the top level).
 */
export async function createTestDatabase(
  options: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  const adminUrl = inject("adminUrl");
  const name = `nfs_test_${randomBytes(5).toString("hex")}`;
  const template = options.migrated === false ? "template0" : inject("templateDatabase");
  await withAdmin(adminUrl, (client) =>
    client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`),
  );
  const url = databaseUrl(adminUrl, name);
  const { pool, prisma, close } = connectDatabase(url);
  onCleanup(async () => {
    await close();
    await withAdmin(adminUrl, (client) =>
      client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    );
  });
  return {
    name,
    url,
    pool,
    prisma,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
  };
}
