import { describe, expect, inject, it } from "vitest";
import { scrubSecrets } from "../src/logging/scrub-secrets.js";
import { startSimulator } from "../src/simulator/simulator-server.js";
import { closeAfterAll } from "./helpers/cleanup.js";
import { freePort } from "./helpers/free-port.js";
import { databaseUrl } from "./helpers/global-setup.js";
import { runCliProcess } from "./helpers/run-cli.js";
import { createTestDatabase } from "./helpers/test-database.js";

const stackLine = /^\s+at /m;
const lines = (text: string) => text.trimEnd().split("\n").filter(Boolean);
const apiKey = "sk-test-failures-0123456789";

// Every expected failure: one message on stderr naming what to check, a documented exit code,
// nothing on stdout, no stack unless LOG_LEVEL=debug.
describe("novita-file-sync when something is wrong", () => {
  it("an unreachable database is one line naming DATABASE_URL, exit 1, no stack", async () => {
    const url = `postgresql://nobody@127.0.0.1:${await freePort()}/x`;
    const result = await runCliProcess(["sync"], { DATABASE_URL: url, NOVITA_API_KEY: apiKey });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(
      "Cannot connect to the database at postgresql://nobody@127.0.0.1",
    );
    expect(result.stderr).toContain("ECONNREFUSED");
    expect(result.stderr).toContain("Check DATABASE_URL");
    expect(result.stderr).not.toMatch(stackLine);
  }, 30_000);

  it("shows the stack only at LOG_LEVEL=debug", async () => {
    const url = `postgresql://nobody@127.0.0.1:${await freePort()}/x`;
    const result = await runCliProcess(["report", "runs"], {
      DATABASE_URL: url,
      LOG_LEVEL: "debug",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Check DATABASE_URL");
    expect(result.stderr).toMatch(/"stack":"[^"]*\\n\s+at /);
  }, 30_000);

  it("a missing database or role says which, and what to fix in DATABASE_URL", async () => {
    const server = inject("adminUrl");
    const missingDb = await runCliProcess(["status"], {
      DATABASE_URL: databaseUrl(server, "nfs_no_such_database"),
    });
    expect(missingDb.code).toBe(1);
    expect(lines(missingDb.stderr)).toHaveLength(1);
    expect(missingDb.stderr).toContain('database "nfs_no_such_database" does not exist');
    expect(missingDb.stderr).toContain("fix the database name in DATABASE_URL");
    const role = new URL(server);
    role.username = "nfs_no_such_role";
    const missingRole = await runCliProcess(["status"], { DATABASE_URL: role.toString() });
    expect(missingRole.code).toBe(1);
    expect(lines(missingRole.stderr)).toHaveLength(1);
    expect(missingRole.stderr).toContain("nfs_no_such_role");
    expect(missingRole.stderr).toContain("Check the user and password in DATABASE_URL");
  }, 30_000);

  it("reports every invalid setting with its expected format and an example before touching the database", async () => {
    const db = await createTestDatabase({ migrated: false });
    const result = await runCliProcess(["worker"], {
      DATABASE_URL: db.url,
      NOVITA_API_KEY: apiKey,
      SYNC_SCHEDULE: "every 5 minutes",
      EXPIRY_SCAN_SCHEDULE: "61 * * * *",
      SYNC_TIMEZONE: "Mars/Olympus",
      HTTP_PORT: "abc",
      SYNC_STALE_AFTER: "soon",
      NOVITA_BASE_URL: "ftp://example.test",
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    for (const expected of [
      'SYNC_SCHEDULE: "every 5 minutes" is not a cron expression',
      'e.g. "*/5 * * * *"',
      "EXPIRY_SCAN_SCHEDULE",
      "SYNC_TIMEZONE: expects an IANA time zone, e.g. UTC or Europe/Berlin",
      'HTTP_PORT: expects a whole number from 0 to 65535, e.g. 8080 (got "abc")',
      'SYNC_STALE_AFTER: "soon" is not a duration',
      "NOVITA_BASE_URL: expects an http(s) URL, e.g. https://",
      "see Configuration in README.md",
    ]) {
      expect(result.stderr).toContain(expected);
    }
    expect(result.stderr).not.toContain("NaN");
    // Nothing was created in the database it was pointed at.
    expect(await db.query("SELECT 1 FROM pg_tables WHERE schemaname = 'public'")).toEqual([]);
  }, 30_000);

  it("an unreachable Novita API is one message, said once, without a stack", async () => {
    const db = await createTestDatabase();
    const result = await runCliProcess(["sync"], {
      DATABASE_URL: db.url,
      NOVITA_API_KEY: apiKey,
      NOVITA_BASE_URL: `http://127.0.0.1:${await freePort()}/openai/v1`,
      NOVITA_RETRIES: "0",
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const failure = lines(result.stderr).find((l) => l.includes("sync failed"));
    expect(failure).toBeDefined();
    const message = JSON.parse(failure!).msg.replace("sync failed: ", "");
    expect(message.length).toBeGreaterThan(20);
    expect(result.stderr.split(message)).toHaveLength(2);
    expect(result.stderr).not.toMatch(/"stack"|\\n\s+at /);
  }, 30_000);

  it("a one-character API key garbles no other text, and a real key is still hidden", async () => {
    const db = await createTestDatabase();
    const result = await runCliProcess(["sync"], {
      DATABASE_URL: db.url,
      NOVITA_API_KEY: "e",
      NOVITA_BASE_URL: `http://127.0.0.1:${await freePort()}/openai/v1`,
      NOVITA_RETRIES: "0",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("sync failed");
    expect(result.stderr).not.toContain("[redacted]");
    // The rule: shorter secrets as whole tokens only, long ones wherever they occur.
    const scrub = (text: string) => scrubSecrets(text, ["ksAndR", "pw-4711", apiKey]);
    expect(scrub("processTicksAndRejections ksAndR")).toBe("processTicksAndRejections [redacted]");
    expect(scrub("postgresql://app:pw-4711@db/x")).toBe("postgresql://app:[redacted]@db/x");
    expect(scrub(`code E_${apiKey}x`)).toBe("code E_[redacted]x");
  }, 30_000);

  it("a simulator key sent to a wrong API key is a failed sync naming NOVITA_API_KEY", async () => {
    const simulator = closeAfterAll(
      await startSimulator({ apiKey: "sk-the-right-key-000000", files: 1 }),
    );
    const db = await createTestDatabase();
    const result = await runCliProcess(["sync"], {
      DATABASE_URL: db.url,
      NOVITA_API_KEY: apiKey,
      NOVITA_BASE_URL: simulator.baseUrl,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("NOVITA_API_KEY");
    expect(result.stderr).not.toMatch(stackLine);
  }, 30_000);

  it("a worker whose HTTP_PORT is taken says so in one line and exits 1", async () => {
    const holder = closeAfterAll(await startSimulator({ apiKey }));
    const port = new URL(holder.url).port;
    const db = await createTestDatabase();
    const result = await runCliProcess(["worker"], {
      DATABASE_URL: db.url,
      NOVITA_API_KEY: apiKey,
      NOVITA_BASE_URL: holder.baseUrl,
      HTTP_HOST: "127.0.0.1",
      HTTP_PORT: port,
      LOG_LEVEL: "warn",
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `Port ${port} on 127.0.0.1 is in use: set HTTP_PORT (and HTTP_HOST) to a free port, or stop what holds it.\n`,
    );
  }, 30_000);
});
