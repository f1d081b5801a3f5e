import { describe, expect, it } from "vitest";
import { closeAfterAll } from "./helpers/cleanup.js";
import { mirrorViolations, rowsWrittenByRun } from "./helpers/reliability-invariants.js";
import { terminateSyncSession } from "./helpers/sync-lock.js";
import { waitFor } from "./helpers/wait-for.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";
import { startWorkerBed, type WorkerBed } from "./helpers/worker-bed.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function receiver(): Promise<WebhookReceiver> {
  return closeAfterAll(await startWebhookReceiver());
}

/** Every event in the outbox was delivered to the sink and accepted by the receiver. */
async function everyEventDelivered(bed: WorkerBed, hook: WebhookReceiver): Promise<boolean> {
  const pending = await bed.db.query(
    "SELECT 1 FROM event_deliveries WHERE status <> 'delivered' LIMIT 1",
  );
  const events = await bed.db.query<{ id: string }>("SELECT id FROM events");
  const accepted = new Set(hook.accepted().map((e) => e.id));
  return pending.length === 0 && events.length > 0 && events.every((e) => accepted.has(e.id));
}

/** Waits until no session holds the sync lock (a killed worker's backend has gone). */
async function syncLockReleased(bed: WorkerBed): Promise<void> {
  await waitFor(
    "the sync lock to be released",
    async () =>
      (
        await bed.db.query(
          `SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database
            WHERE l.locktype = 'advisory' AND d.datname = current_database()`,
        )
      ).length === 0,
    { timeoutMs: 15_000 },
  );
}

describe("reliability: the database fails under a running worker", () => {
  it("fails only the run whose connection is terminated mid-sync; the worker keeps running and the next run applies everything", async () => {
    const bed = await startWorkerBed({ files: 20 });
    bed.simulator.faults.add({ kind: "delay", delayMs: 2_000 });
    const worker = await bed.start({ NOVITA_TIMEOUT_MS: "10000" });
    const running = await waitFor("the startup run to hold the sync lock", async () =>
      (await bed.runs()).find((r) => r.status === "running"),
    );
    // The run's own session is the one holding the sync lock.
    expect(await terminateSyncSession(bed.db)).toBe(1);

    const next = await waitFor(
      "a later run to succeed",
      async () => (await bed.runs()).find((r) => r.id > running.id && r.status === "succeeded"),
      { timeoutMs: 20_000 },
    );
    const [failed] = (await bed.runs()).filter((r) => r.id === running.id);
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed!.error).toBeTruthy();
    expect(await rowsWrittenByRun(bed.db, running.id)).toBe(0);
    expect(await rowsWrittenByRun(bed.db, next.id)).toBeGreaterThan(0);
    expect(await bed.db.query("SELECT count(*)::int AS n FROM files")).toEqual([{ n: 20 }]);
    expect(worker.child.exitCode).toBeNull();
    expect((await worker.get("/healthz")).status).toBe(200);
    expect(await worker.signal("SIGTERM")).toBe(0);
    expect(await mirrorViolations(bed.db)).toEqual([]);
  }, 60_000);

  it("reports unready while the database is stopped, recovers without a restart, and loses no change or event", async () => {
    const bed = await startWorkerBed({ files: 10 });
    const hook = await receiver();
    const { proxy, url } = await bed.proxiedDatabase();
    const worker = await bed.start({
      DATABASE_URL: url,
      DATABASE_CONNECT_TIMEOUT_MS: "1000",
      WEBHOOK_URL: hook.url,
      WEBHOOK_SECRET: hook.secret,
    });
    await waitFor("the bootstrap event at the webhook", () => everyEventDelivered(bed, hook), {
      timeoutMs: 20_000,
    });

    await proxy.down();
    const unready = await waitFor("/readyz to fail", async () => {
      const answer = await worker.get("/readyz");
      return answer.status === 503 ? answer : undefined;
    });
    expect(JSON.parse(unready.body).checks.database.ok).toBe(false);
    const [changed, removed] = bed.simulator.store.list();
    bed.simulator.store.add({ id: "file-added-while-down" });
    bed.simulator.store.update(changed!.id, { filename: "renamed-while-down.jsonl" });
    bed.simulator.store.remove(removed!.id);
    await sleep(4_000); // scheduled syncs, scans and deliveries fail meanwhile
    expect(worker.child.exitCode).toBeNull();
    expect((await worker.get("/healthz")).status).toBe(200);

    await proxy.up();
    await waitFor(
      "/readyz to pass again",
      async () => (await worker.get("/readyz")).status === 200,
      {
        timeoutMs: 20_000,
      },
    );
    await waitFor(
      "the changes made while the database was down",
      async () => {
        const rows = await bed.db.query<{ id: string; status: string; filename: string }>(
          "SELECT id, status, filename FROM files WHERE id = ANY($1)",
          [["file-added-while-down", changed!.id, removed!.id]],
        );
        const byId = new Map(rows.map((r) => [r.id, r]));
        return (
          byId.get("file-added-while-down")?.status === "active" &&
          byId.get(changed!.id)?.filename === "renamed-while-down.jsonl" &&
          byId.get(removed!.id)?.status === "disappeared"
        );
      },
      { timeoutMs: 20_000 },
    );
    await waitFor("every event at the webhook", () => everyEventDelivered(bed, hook), {
      timeoutMs: 30_000,
    });
    const types = (await bed.db.query<{ type: string }>("SELECT type FROM events")).map(
      (e) => e.type,
    );
    expect(types).toEqual(
      expect.arrayContaining(["file.created", "file.updated", "file.disappeared"]),
    );
    expect(await worker.signal("SIGTERM")).toBe(0);
    expect(await mirrorViolations(bed.db)).toEqual([]);
  }, 90_000);
});

describe("reliability: a worker killed with SIGKILL", () => {
  it("leaves no half-applied run when killed inside the run's transaction; the next worker closes it as abandoned and delivers every event", async () => {
    const bed = await startWorkerBed({ files: 20 });
    const hook = await receiver();
    // A slow statement inside the run's transaction, so that the kill lands mid-transaction.
    await bed.db.query(`CREATE FUNCTION slow_versions() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$`);
    await bed.db.query(
      "CREATE TRIGGER slow_versions AFTER INSERT ON file_versions FOR EACH STATEMENT EXECUTE FUNCTION slow_versions()",
    );
    const sinkEnv = { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: hook.secret };
    const first = await bed.start({ ...sinkEnv, SYNC_SCHEDULE: "0 0 1 1 *" });
    await waitFor("the run's transaction to be in its slow statement", async () => {
      const rows = await bed.db.query(
        `SELECT 1 FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event = 'PgSleep' AND xact_start IS NOT NULL`,
      );
      return rows.length > 0;
    });
    first.child.kill("SIGKILL");
    await first.exited;
    await bed.db.query("DROP TRIGGER slow_versions ON file_versions");
    await syncLockReleased(bed);
    const [killed] = await bed.runs();
    expect(killed).toMatchObject({ status: "running", trigger: "startup" });
    expect(await bed.db.query("SELECT count(*)::int AS n FROM files")).toEqual([{ n: 0 }]);
    expect(await bed.db.query("SELECT count(*)::int AS n FROM events")).toEqual([{ n: 0 }]);

    const second = await bed.start({ ...sinkEnv, SYNC_SCHEDULE: "0 0 1 1 *" });
    await waitFor("the next worker's run", async () =>
      (await bed.runs()).find((r) => r.id > killed!.id && r.status === "succeeded"),
    );
    const [closed] = (await bed.runs()).filter((r) => r.id === killed!.id);
    expect(closed).toMatchObject({ status: "failed", error_code: "abandoned" });
    expect(await rowsWrittenByRun(bed.db, killed!.id)).toBe(0);
    expect(await bed.db.query("SELECT count(*)::int AS n FROM files")).toEqual([{ n: 20 }]);
    await waitFor("every event at the webhook", () => everyEventDelivered(bed, hook), {
      timeoutMs: 20_000,
    });
    expect(await second.signal("SIGTERM")).toBe(0);
    expect(await mirrorViolations(bed.db)).toEqual([]);
  }, 60_000);
});
