import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { closeAfterAll } from "./helpers/cleanup.js";
import { waitFor } from "./helpers/wait-for.js";
import { startWebhookReceiver } from "./helpers/webhook-receiver.js";
import { startWorkerBed } from "./helpers/worker-bed.js";
import { startWorkerProcess } from "./helpers/worker-process.js";

const setup = () => startWorkerBed({ seed: 3 });
const start = startWorkerProcess;

describe("worker", () => {
  it("syncs at start and on the schedule, serves metrics, and exits 0 on SIGTERM", async () => {
    const { env, runs } = await setup();
    const worker = await start(env);
    await waitFor(
      "a startup run and two scheduled runs",
      async () => {
        const all = await runs();
        return (
          all[0]?.trigger === "startup" &&
          all.filter((r) => r.trigger === "cron" && r.status === "succeeded").length >= 2
        );
      },
      { timeoutMs: 25_000 },
    );
    // The run's row is closed before the worker counts the run: the counter may lag a moment.
    const families = await waitFor("the metrics to count the three runs", async () => {
      const metrics = await worker.get("/metrics");
      expect(metrics.status).toBe(200);
      const parsed = parsePrometheusTextFormat(metrics.body);
      const succeeded = parsed
        .find((f) => f.name === "novita_file_sync_runs_total")!
        .metrics.find((m) => m.labels?.status === "succeeded")!.value;
      return Number(succeeded) >= 3 ? parsed : undefined;
    });
    const family = (name: string) => families.find((f) => f.name === name);
    const files = family("novita_file_sync_files")!.metrics;
    expect(files.reduce((sum, m) => sum + Number(m.value), 0)).toBe(20);
    expect(family("novita_file_sync_run_duration_seconds")).toBeDefined();
    expect(
      family("novita_file_sync_api_requests_total")!.metrics.some(
        (m) => m.labels?.status === "200",
      ),
    ).toBe(true);
    expect(
      Number(family("novita_file_sync_last_success_timestamp_seconds")!.metrics[0]!.value),
    ).toBeGreaterThan(0);
    // prom-client's default metrics, under the names Prometheus users expect.
    for (const name of [
      "process_cpu_user_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_heap_size_used_bytes",
      "nodejs_eventloop_lag_seconds",
    ]) {
      expect(family(name), name).toBeDefined();
    }
    expect((await worker.get("/readyz")).status).toBe(200);
    expect(await worker.signal("SIGTERM")).toBe(0);
    expect(worker.output()).toContain("worker stopped");
  }, 40_000);

  it("delivers the events it writes to a webhook as signed CloudEvents", async () => {
    const { env, simulator } = await setup();
    const receiver = await startWebhookReceiver();
    closeAfterAll(receiver);
    const worker = await start({
      ...env,
      WEBHOOK_URL: receiver.url,
      WEBHOOK_SECRET: receiver.secret,
      DISPATCH_POLL_INTERVAL_MS: "500",
    });
    await waitFor("the bootstrap event at the webhook", () =>
      receiver.accepted().some((e) => e.type === "ai.novita.filesync.sync.bootstrapped"),
    );
    simulator.store.add({ id: "file-new-for-webhook" });
    const created = await waitFor("file.created at the webhook", () =>
      receiver.accepted().find((e) => e.type === "ai.novita.filesync.file.created"),
    );
    expect(created).toMatchObject({ specversion: "1.0", subject: "file-new-for-webhook" });
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    expect(await worker.signal("SIGTERM")).toBe(0);
  }, 40_000);

  it("never overlaps runs when a sync is slower than the schedule", async () => {
    const { env, runs, simulator } = await setup();
    simulator.faults.always({ kind: "delay", delayMs: 2_500 });
    const worker = await start({
      ...env,
      SYNC_SCHEDULE: "* * * * * *",
      NOVITA_TIMEOUT_MS: "10000",
    });
    await waitFor(
      "three finished runs",
      async () => (await runs()).filter((r) => r.finished_at !== null).length >= 3,
      {
        timeoutMs: 20_000,
      },
    );
    expect(await worker.signal("SIGTERM")).toBe(0);
    const done = (await runs()).filter((r) => r.status !== "skipped");
    for (let i = 1; i < done.length; i++) {
      expect(done[i]!.started_at.getTime()).toBeGreaterThanOrEqual(
        done[i - 1]!.finished_at!.getTime(),
      );
    }
  }, 40_000);

  it("runs each scheduled fire once when two workers share the database", async () => {
    const { env, runs, db } = await setup();
    const [a, b] = await Promise.all([
      start({ ...env, SYNC_ON_START: "false" }),
      start({ ...env, SYNC_ON_START: "false" }),
    ]);
    await waitFor(
      "four scheduled runs",
      async () => (await runs()).filter((r) => r.trigger === "cron").length >= 4,
      {
        timeoutMs: 20_000,
      },
    );
    await Promise.all([a.signal("SIGTERM"), b.signal("SIGTERM")]);
    const cron = (await runs()).filter((r) => r.trigger === "cron");
    expect(cron.filter((r) => r.status === "skipped")).toEqual([]);
    const fires = await db.query("SELECT key FROM cron_fires WHERE key LIKE 'sync:%'");
    expect(cron.length).toBe(fires.length);
    expect(await db.query("SELECT type, count(*)::int AS n FROM events GROUP BY type")).toEqual([
      { type: "sync.bootstrapped", n: 1 },
    ]);
  }, 40_000);

  it("reports unready while the database is unreachable and ready again when it returns", async () => {
    const bed = await setup();
    const { proxy, url } = await bed.proxiedDatabase();
    const worker = await bed.start({
      DATABASE_URL: url,
      DATABASE_CONNECT_TIMEOUT_MS: "1000",
    });
    await waitFor("ready", async () => (await worker.get("/readyz")).status === 200, {
      timeoutMs: 15_000,
    });
    await proxy.down();
    const unready = await waitFor(
      "unready",
      async () => {
        const r = await worker.get("/readyz");
        return r.status === 503 ? r : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(JSON.parse(unready.body).checks.database.ok).toBe(false);
    expect((await worker.get("/healthz")).status).toBe(200);
    await proxy.up();
    await waitFor("ready again", async () => (await worker.get("/readyz")).status === 200, {
      timeoutMs: 15_000,
    });
    expect(await worker.signal("SIGTERM")).toBe(0);
  }, 60_000);

  it("lets a slow sync finish on SIGTERM and exits 0", async () => {
    const { env, runs, simulator } = await setup();
    simulator.faults.always({ kind: "delay", delayMs: 3_000 });
    const worker = await start({ ...env, SYNC_SCHEDULE: "0 0 1 1 *", NOVITA_TIMEOUT_MS: "10000" });
    await waitFor("the startup run to begin", async () => (await runs()).length === 1, {
      timeoutMs: 10_000,
    });
    expect(await worker.signal("SIGTERM")).toBe(0);
    const [run] = await runs();
    expect(run).toMatchObject({ trigger: "startup", status: "succeeded" });
  }, 40_000);
});
