import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { databaseUrl, withAdmin } from "./global-setup.js";

export interface TestRole {
  name: string;
  password: string;
  /** `databaseUrl` with this role's name and password. */
  urlFor(databaseUrl: string): string;
}

/**
 * Creates LOGIN roles (cluster-wide, so uniquely named) and drops them after the file's tests,
 * with whatever they own or were granted in databases that still exist then.
 */
export function useTestRoles(): { create(prefix: string): Promise<TestRole> } {
  const names: string[] = [];
  afterAll(async () => {
    const adminUrl = inject("adminUrl");
    await withAdmin(adminUrl, async (client) => {
      for (const name of names) {
        await client.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1",
          [name],
        );
        // Grants and objects in databases that still exist (hook order is not guaranteed).
        const { rows } = await client.query<{ datname: string }>(
          `SELECT DISTINCT d.datname FROM pg_shdepend s
             JOIN pg_database d ON d.oid = s.dbid JOIN pg_roles r ON r.oid = s.refobjid
            WHERE r.rolname = $1`,
          [name],
        );
        for (const { datname } of rows) {
          await withAdmin(databaseUrl(adminUrl, datname), (db) =>
            db.query(`REASSIGN OWNED BY ${name} TO CURRENT_USER; DROP OWNED BY ${name}`),
          );
        }
        await client.query(`REASSIGN OWNED BY ${name} TO CURRENT_USER`);
        await client.query(`DROP ROLE IF EXISTS ${name}`);
      }
    });
  });
  return {
    async create(prefix) {
      const name = `${prefix}_${randomBytes(4).toString("hex")}`;
      const password = randomBytes(12).toString("hex");
      await withAdmin(inject("adminUrl"), (client) =>
        client.query(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`),
      );
      names.push(name);
      return {
        name,
        password,
        urlFor(databaseUrl) {
          const url = new URL(databaseUrl);
          url.username = name;
          url.password = password;
          return url.toString();
        },
      };
    },
  };
}

/**
 * The grants the worker's runtime role needs on a migrated database: data rights only (no DDL).
 * Run by the owner of the tables (or a superuser). `owner`, when given, also sets default
 * privileges so that tables and sequences later migrations create get the same grants.
 */
export function runtimeGrants(database: string, runtime: string, owner?: string): string[] {
  return [
    `GRANT CONNECT, TEMPORARY ON DATABASE ${database} TO ${runtime}`,
    `GRANT USAGE ON SCHEMA public TO ${runtime}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${runtime}`,
    `GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${runtime}`,
    ...(owner === undefined
      ? []
      : [
          `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${runtime}`,
          `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE ON SEQUENCES TO ${runtime}`,
        ]),
  ];
}
