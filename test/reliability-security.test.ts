import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startSimulator } from "../src/simulator/index.js";
import { closeAfterAll } from "./helpers/cleanup.js";
import { freePort } from "./helpers/free-port.js";
import { allTableText } from "./helpers/reliability-invariants.js";
import { runtimeGrants, useTestRoles } from "./helpers/reliability-roles.js";
import { runCliProcess } from "./helpers/run-cli.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";
import { createTestDatabase } from "./helpers/test-database.js";
import { waitFor } from "./helpers/wait-for.js";
import { startWebhookReceiver } from "./helpers/webhook-receiver.js";
import { startWorkerBed } from "./helpers/worker-bed.js";
import { startWorkerProcess } from "./helpers/worker-process.js";

const roles = useTestRoles();

const canaryKey = "sk-CANARY-api-key-5f3a9c1e7b";
const canarySecret = `whsec_${Buffer.from("CANARY-webhook-secret-0123456789").toString("base64")}`;

describe("reliability: secrets", () => {
  it("never writes the API key, webhook secret or database password to output, errors, events or tables (401, network error, crash)", async () => {
    const bed = await startWorkerBed({ files: 5 });
    // The API knows another key: every sync is refused with 401.
    const api = closeAfterAll(await startSimulator({ apiKey: "sk-the-key-the-api-expects" }));

    const hook = closeAfterAll(await startWebhookReceiver({ secret: canarySecret }));
    const runtime = await roles.create("nfs_canary");
    for (const grant of runtimeGrants(bed.db.name, runtime.name)) await bed.db.query(grant);
    const canaryPassword = runtime.password;
    const env = {
      ...bed.env,
      DATABASE_URL: runtime.urlFor(bed.db.url),
      MIGRATION_DATABASE_URL: bed.db.url,
      NOVITA_BASE_URL: api.baseUrl,
      NOVITA_API_KEY: canaryKey,
      WEBHOOK_URL: hook.url,
      WEBHOOK_SECRET: canarySecret,
      LOG_LEVEL: "debug",
    };
    const worker = await bed.start(env);
    await waitFor("a run refused with 401", async () =>
      (await bed.runs()).some((r) => r.error_code === "auth"),
    );
    await api.close(); // now the API is unreachable
    await waitFor("a run failed by a network error", async () =>
      (await bed.runs()).some((r) => r.error_code === "network"),
    );
    worker.child.kill("SIGKILL"); // the crash path: whatever it wrote until then
    await worker.exited;

    // The one-shot command on the same paths, and a worker that cannot reach its database.
    const sync = await runCliProcess(["sync"], { ...env, LOG_LEVEL: "debug" });
    expect(sync.code).toBe(1);
    const unreachable = new URL(env.DATABASE_URL);
    unreachable.port = String(await freePort());
    const fatal = await runCliProcess(["worker"], {
      ...env,
      DATABASE_URL: unreachable.toString(),
      MIGRATION_DATABASE_URL: unreachable.toString(),
      DATABASE_CONNECT_TIMEOUT_MS: "1000",
      HTTP_PORT: String(await freePort()),
    });
    expect(fatal.code).toBe(1);

    const output = [worker.output(), sync.stdout, sync.stderr, fatal.stdout, fatal.stderr].join(
      "\n",
    );
    // The paths were really taken: their failures are in the output.
    expect(output).toContain('"code":"auth"');
    expect(output).toContain('"code":"network"');
    expect(output).toMatch(/ECONNREFUSED|connect/);
    const tables = await allTableText(bed.db);
    expect(tables).toContain("Novita API rejected the API key");
    for (const canary of [canaryKey, canarySecret, canarySecret.slice(6), canaryPassword]) {
      expect(output).not.toContain(canary);
      expect(tables).not.toContain(canary);
    }
  }, 90_000);

  it("refuses to start the worker, exit code 2, when a secret and its _FILE variant are both set", async () => {
    const dir = temporaryDirectory("nfs-reliability-");
    writeFileSync(join(dir, "key"), `${canaryKey}\n`);
    writeFileSync(join(dir, "url"), "postgresql://app:pw@127.0.0.1:1/x\n");
    const result = await runCliProcess(["worker"], {
      NOVITA_API_KEY: canaryKey,
      NOVITA_API_KEY_FILE: join(dir, "key"),
      DATABASE_URL: "postgresql://app:pw@127.0.0.1:1/x",
      DATABASE_URL_FILE: join(dir, "url"),
      HTTP_PORT: String(await freePort()),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("NOVITA_API_KEY and NOVITA_API_KEY_FILE are both set");
    expect(result.stderr).toContain("DATABASE_URL and DATABASE_URL_FILE are both set");
    expect(`${result.stdout}${result.stderr}`).not.toContain(canaryKey);
  }, 30_000);
});

/** Runs SQL on a connection of its own, logged in as the role in `url`. */
async function asRole<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe("reliability: least privilege", () => {
  it("runs the whole worker as a runtime role with data rights only, migrations as the owner, and the runtime role cannot change the schema", async () => {
    const owner = await roles.create("nfs_owner");
    const runtime = await roles.create("nfs_runtime");
    const db = await createTestDatabase({ migrated: false });
    await db.query(`ALTER DATABASE ${db.name} OWNER TO ${owner.name}`);
    const ownerUrl = owner.urlFor(db.url);
    const runtimeUrl = runtime.urlFor(db.url);
    // Granted by the owner once, before any migration: the default privileges cover every table
    // and sequence that migrations create, now and later.
    await asRole(ownerUrl, async (client) => {
      for (const sql of runtimeGrants(db.name, runtime.name, owner.name)) await client.query(sql);
    });
    expect((await runCliProcess(["migrate"], { DATABASE_URL: ownerUrl })).code).toBe(0);

    const simulator = closeAfterAll(await startSimulator({ apiKey: canaryKey, seed: 9 }));
    simulator.store.generate(12);
    const hook = closeAfterAll(await startWebhookReceiver());
    const env = {
      DATABASE_URL: runtimeUrl,
      MIGRATION_DATABASE_URL: ownerUrl,
      NOVITA_BASE_URL: simulator.baseUrl,
      NOVITA_API_KEY: canaryKey,
    };
    expect((await runCliProcess(["sync"], env)).code).toBe(0);
    simulator.store.add({ id: "file-seen-by-the-worker" });
    const worker = await startWorkerProcess({
      ...env,
      WEBHOOK_URL: hook.url,
      WEBHOOK_SECRET: hook.secret,
      SYNC_SCHEDULE: "0 0 1 1 *",
      DISPATCH_POLL_INTERVAL_MS: "250",
    });
    await waitFor("the file.created event at the webhook", () =>
      hook.accepted().some((e) => e.subject === "file-seen-by-the-worker"),
    );
    expect((await worker.get("/readyz")).status).toBe(200);
    expect(await worker.signal("SIGTERM")).toBe(0);
    expect(await db.query("SELECT count(*)::int AS n FROM files")).toEqual([{ n: 13 }]);
    // The role may not TRUNCATE: each run deleted the previous run's staged rows instead.
    expect(await db.query("SELECT count(DISTINCT run_id)::int AS runs FROM sync_listing")).toEqual([
      { runs: 1 },
    ]);
    expect(
      await db.query("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"),
    ).toEqual([{ tableowner: owner.name }]);

    await asRole(runtimeUrl, async (client) => {
      for (const ddl of [
        "CREATE TABLE sneaky (id int)",
        "ALTER TABLE files ADD COLUMN sneaky int",
        "DROP TABLE events",
        "TRUNCATE files",
      ]) {
        await expect(client.query(ddl), ddl).rejects.toThrow(/permission denied|must be owner/);
      }
    });
  }, 90_000);
});
