import { describe, expect, it } from "vitest";
import { freePort } from "./helpers/free-port.js";
import { runCliProcess } from "./helpers/run-cli.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";
import { createTestDatabase } from "./helpers/test-database.js";

// Each test starts CLI processes, which take seconds each on a loaded two-core machine.
describe("novita-file-sync migrate", () => {
  it("exits 0 on an empty database, and exits 1 naming the file once an applied migration no longer matches", async () => {
    const db = await createTestDatabase({ migrated: false });
    const first = await runCliProcess(["migrate"], { DATABASE_URL: db.url });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied \d+ migration\(s\)/);
    const second = await runCliProcess(["migrate"], { DATABASE_URL: db.url });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("database is up to date");
    // What an edited file looks like from the database's side: the recorded checksum differs.
    await db.query("UPDATE _prisma_migrations SET checksum = repeat('0', 64)");
    const edited = await runCliProcess(["migrate"], { DATABASE_URL: db.url });
    expect(edited.code).toBe(1);
    expect(edited.stdout).toBe("");
    expect(edited.stderr).toMatch(/prisma\/migrations\/\d+_init\/migration\.sql was edited/);
  }, 60_000);

  it("exits 2 and names the variable when the configuration is invalid", async () => {
    const result = await runCliProcess(["migrate"], { DATABASE_URL: "not a url", HTTP_PORT: "-1" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("DATABASE_URL");
    expect(result.stderr).toContain("HTTP_PORT");
  }, 60_000);

  it("exits 2 on an unknown command", async () => {
    const result = await runCliProcess(["frobnicate"], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command");
  }, 60_000);

  it("without DATABASE_URL starts the embedded PostgreSQL under DATA_DIR, migrates, stops it, and reuses the data next time", async () => {
    const dataDir = temporaryDirectory("nfs-data-");
    const env = { DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await freePort()) };
    const first = await runCliProcess(["migrate"], env, { timeoutMs: 60_000 });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("initialising the embedded PostgreSQL data directory");
    expect(first.stdout).toMatch(/applied \d+ migration\(s\)/);
    const second = await runCliProcess(["migrate"], env, { timeoutMs: 60_000 });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain("initialising");
    expect(second.stdout).toContain("database is up to date");
  }, 90_000);
});
