import type pg from "pg";
import { describe, expect, it } from "vitest";
import { makePool } from "../src/db/pool.js";
import { silentLogger } from "../src/logging/logger.js";
import { closeAfterAll, onCleanup } from "./helpers/cleanup.js";
import { runtimeGrants, useTestRoles } from "./helpers/reliability-roles.js";
import { syncWith } from "./helpers/reliability-sync.js";
import type { SyncScenario } from "./helpers/sync-scenario.js";
import { startSyncScenario } from "./helpers/sync-scenario.js";
import { startTcpProxy, type TcpProxy } from "./helpers/tcp-proxy.js";
import { waitFor } from "./helpers/wait-for.js";

const roles = useTestRoles();

interface PoolSettings {
  url: string;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
}

function pool(settings: PoolSettings): pg.Pool {
  const created = makePool({
    poolSize: 3,
    connectTimeoutMs: 5_000,
    statementTimeoutMs: 30_000,
    idleInTransactionTimeoutMs: 30_000,
    logger: silentLogger,
    ...settings,
  });
  onCleanup(() => created.end());
  return created;
}

/** One sync on the given pool: the worker's own pool settings. */
const syncOn = (s: SyncScenario, on: pg.Pool) => syncWith(s, { pool: on });

/** A TCP proxy in front of the scenario's database, and the URL through it. */
async function proxyTo(s: SyncScenario): Promise<{ proxy: TcpProxy; url: string }> {
  const target = new URL(s.db.url);
  const proxy = closeAfterAll(
    await startTcpProxy({ host: target.hostname, port: Number(target.port) }),
  );
  target.hostname = "127.0.0.1";
  target.port = String(proxy.port);
  return { proxy, url: target.toString() };
}

async function runRow(s: SyncScenario, id: number) {
  const [row] = await s.db.query("SELECT status, error_code, error FROM sync_runs WHERE id = $1", [
    id,
  ]);
  return row;
}

/** Another session holds an exclusive lock on `files` until the returned function is called. */
async function lockFiles(s: SyncScenario): Promise<() => Promise<void>> {
  const holder = await s.db.pool.connect();
  await holder.query("BEGIN");
  await holder.query("LOCK TABLE files IN ACCESS EXCLUSIVE MODE");
  return async () => {
    await holder.query("ROLLBACK");
    holder.release();
  };
}

describe("reliability: database time limits", () => {
  it("fails a run whose database network is blackholed within the time limits, and the next run succeeds", async () => {
    const s = await startSyncScenario();
    s.simulator.store.generate(5);
    const { proxy, url } = await proxyTo(s);
    const proxied = pool({
      url,
      connectTimeoutMs: 1_000,
      statementTimeoutMs: 500,
    });
    expect((await syncOn(s, proxied)).status).toBe("succeeded");

    s.simulator.store.add({ id: "file-during-blackhole" });
    s.simulator.faults.add({ kind: "delay", delayMs: 1_000 });
    const started = performance.now();
    const running = syncOn(s, proxied);
    // Once the list request is in (delayed by the simulator), the run has its row: the
    // blackhole cannot swallow the answer to the INSERT that opened it.
    await waitFor("the run's list request", () => s.simulator.requests === 2 || undefined);
    const [run] = await s.db.query<{ id: number }>(
      "SELECT id FROM sync_runs WHERE status = 'running'",
    );
    proxy.blackhole(true); // every byte dropped, no reset: only time limits can end this
    const outcome = await running;
    const elapsedMs = performance.now() - started;
    expect(outcome.status).toBe("failed");
    expect(outcome.error?.message).toMatch(/timeout/i);
    expect(elapsedMs).toBeLessThan(15_000);
    expect(await s.file("file-during-blackhole")).toBeUndefined();

    proxy.blackhole(false);
    const next = await syncOn(s, proxied);
    expect(next.status).toBe("succeeded");
    expect(next.counts.created).toBe(1);
    // Recorded as failed by the run itself, or (its record was blackholed too) closed as abandoned.
    expect((await runRow(s, run!.id))?.status).toBe("failed");
  }, 30_000);

  it("gives up connecting after DATABASE_CONNECT_TIMEOUT_MS when the network is blackholed", async () => {
    const s = await startSyncScenario();
    const { proxy, url } = await proxyTo(s);
    proxy.blackhole(true);
    const started = performance.now();
    await expect(syncOn(s, pool({ url, connectTimeoutMs: 800 }))).rejects.toThrow(/timeout/i);
    expect(performance.now() - started).toBeLessThan(5_000);
  }, 15_000);

  it("fails a run cleanly when DATABASE_STATEMENT_TIMEOUT_MS fires, naming the timeout, and the next run succeeds", async () => {
    const s = await startSyncScenario();
    s.simulator.store.generate(5);
    const release = await lockFiles(s);
    const outcome = await syncOn(s, pool({ url: s.db.url, statementTimeoutMs: 300 }));
    await release();
    expect(outcome.status).toBe("failed");
    expect(await runRow(s, outcome.runId)).toMatchObject({
      status: "failed",
      error_code: "database",
    });
    expect((await runRow(s, outcome.runId))?.error).toMatch(/statement timeout/);
    expect(await s.db.query("SELECT count(*)::int AS n FROM files")).toEqual([{ n: 0 }]);
    const next = await syncOn(s, s.db.pool);
    expect(next.status).toBe("succeeded");
    expect(next.counts.created).toBe(5);
  }, 20_000);

  it("overrides statement and idle timeouts set on the role with its own, and fails cleanly on a lock_timeout set on the role", async () => {
    const s = await startSyncScenario();
    s.simulator.store.generate(5);
    const runtime = await roles.create("nfs_limits");
    for (const grant of runtimeGrants(s.db.name, runtime.name)) await s.db.query(grant);
    await s.db.query(
      `ALTER ROLE ${runtime.name} SET statement_timeout = '1ms';
       ALTER ROLE ${runtime.name} SET idle_in_transaction_session_timeout = '1ms';
       ALTER ROLE ${runtime.name} SET lock_timeout = '200ms'`,
    );
    const asRuntime = pool({ url: runtime.urlFor(s.db.url), statementTimeoutMs: 20_000 });
    const { rows } = await asRuntime.query(
      "SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle, current_setting('lock_timeout') AS lock",
    );
    expect(rows[0]).toEqual({ statement: "20s", idle: "30s", lock: "200ms" });
    expect((await syncOn(s, asRuntime)).status).toBe("succeeded");

    s.simulator.store.add({ id: "file-behind-a-lock" });
    const release = await lockFiles(s);
    const failed = await syncOn(s, asRuntime);
    await release();
    expect(failed.status).toBe("failed");
    expect((await runRow(s, failed.runId))?.error).toMatch(/lock timeout/);
    expect(await s.file("file-behind-a-lock")).toBeUndefined();
    await s.db.query(`ALTER ROLE ${runtime.name} RESET lock_timeout`);
    const next = await syncOn(s, pool({ url: runtime.urlFor(s.db.url) }));
    expect(next.status).toBe("succeeded");
    expect(next.counts.created).toBe(1);
  }, 20_000);
});
