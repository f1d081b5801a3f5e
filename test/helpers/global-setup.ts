import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../src/db/embedded-postgres.js";
import { migrate } from "../../src/db/migrate.js";
import { silentLogger } from "../../src/logging/logger.js";
import { freePort } from "./free-port.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of a database on the test server with rights to CREATE DATABASE. */
    adminUrl: string;
    /** A migrated database that each test file copies. */
    templateDatabase: string;
    /** Which server the suite runs against, for the record. */
    databaseSource: string;
  }
}

/**
 * Provisions the PostgreSQL server for the suite: TEST_DATABASE_URL when set, else the embedded
 * PostgreSQL. (No container runtime: a Docker engine may answer on a machine that has no registry
 * to pull images from, and the suite must pass there too.) Then it migrates a template database
 * that every test file clones.
 */
export default async function setup(project: TestProject) {
  const teardown: (() => Promise<void>)[] = [];
  let adminUrl: string;
  let source: string;
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
    source = "TEST_DATABASE_URL";
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), "nfs-test-pg-"));
    const embedded = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      logger: silentLogger,
    });
    adminUrl = embedded.url.replace(/\/[^/]*$/, "/postgres");
    source = "embedded";
    teardown.push(async () => {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });
  }
  const templateDatabase = `nfs_template_${process.pid}`;
  await withAdmin(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${templateDatabase}`);
    await client.query(`CREATE DATABASE ${templateDatabase}`);
  });
  await migrate(databaseUrl(adminUrl, templateDatabase), silentLogger);
  project.provide("adminUrl", adminUrl);
  project.provide("templateDatabase", templateDatabase);
  project.provide("databaseSource", source);
  console.log(`tests run against PostgreSQL from ${source}`);

  return async () => {
    await withAdmin(adminUrl, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
    }).catch(() => {});
    for (const step of teardown.reverse()) await step();
  };
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
