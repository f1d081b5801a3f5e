// Database and simulator helpers shared by the benchmark scripts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { recreateDatabase, startEmbeddedPostgres } from "../src/db/embedded-postgres.js";
import type { DatabaseHandles } from "../src/db/open-database.js";
import { makePool } from "../src/db/pool.js";
import { silentLogger } from "../src/logging/logger.js";
import { findFreePort } from "../src/net/find-free-port.js";
import type { NovitaClient } from "../src/novita/index.js";
import type { Simulator } from "../src/simulator/index.js";
import { type SyncOutcome, syncOnce } from "../src/sync/sync-once.js";
import type { SyncSettings } from "../src/sync/sync-settings.js";

/**
 * The server a benchmark runs on: `serverUrl` from the environment (a URL allowed to create
 * databases), else an embedded PostgreSQL in a temporary directory, removed by `stop`, or when
 * the benchmark is interrupted (Ctrl-C, SIGTERM): the server runs in its own session, so it would
 * otherwise outlive the benchmark, with its data, and load the machine's next measurements.
 */
export async function benchServer(
  serverUrl: string | undefined,
): Promise<{ serverUrl: string; stop: () => Promise<void> }> {
  if (serverUrl) return { serverUrl, stop: async () => {} };
  const dataDir = mkdtempSync(join(tmpdir(), "nfs-bench-pg-"));
  const embedded = await startEmbeddedPostgres({
    dataDir,
    port: await findFreePort(),
    logger: silentLogger,
  });
  const stop = async () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`${signal}: stopping the benchmark's embedded PostgreSQL`);
    void stop().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return { serverUrl: embedded.url.replace(/\/[^/]*$/, "/postgres"), stop };
}

/** Drops and creates database `name` on the server; returns its URL. */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await recreateDatabase(url.toString());
  return url.toString();
}

/** Churn of `count` files: a third change size, a third are deleted, a third are new. */
export function churn(simulator: Simulator, count: number): void {
  const files = simulator.store.list();
  const third = Math.floor(count / 3);
  for (const file of files.slice(0, third))
    simulator.store.update(file.id, { bytes: file.bytes + 1 });
  for (const file of files.slice(third, 2 * third)) simulator.store.remove(file.id);
  for (let i = 0; i < count - 2 * third; i++)
    simulator.store.add({ purpose: i % 2 ? "batch" : "batch_output" });
}

/** A pool for one measuring process: no statement timeouts (a figure may take minutes). */
export function benchPool(url: string, poolSize: number): pg.Pool {
  return makePool({
    url,
    poolSize,
    connectTimeoutMs: 10_000,
    statementTimeoutMs: 0,
    idleInTransactionTimeoutMs: 0,
    logger: silentLogger,
  });
}

/** The sync settings of every benchmark run: the defaults that matter for speed, no bootstrap events. */
const benchSyncSettings: SyncSettings = {
  disappearanceConfirmations: 1,
  massDisappearanceMin: 10,
  massDisappearanceRatio: 0.5,
  guardConfirmations: 3,
  emitCreatedOnBootstrap: false,
};

/** One sync run as every benchmark times it: the bench settings, nothing logged. */
export function benchSync(db: DatabaseHandles, client: NovitaClient): Promise<SyncOutcome> {
  return syncOnce(
    {
      db,
      streamFiles: (sink) => client.streamFiles(sink),
      logger: silentLogger,
      settings: benchSyncSettings,
    },
    { trigger: "manual" },
  );
}
