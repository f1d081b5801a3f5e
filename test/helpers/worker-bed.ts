import { fileURLToPath } from "node:url";
import { type Simulator, startSimulator } from "../../src/simulator/index.js";
import { closeAfterAll } from "./cleanup.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";
import { startWorkerProcess, type WorkerProcess } from "./worker-process.js";

export const reliabilityApiKey = "sk-reliability-test-key";

export interface RunRow {
  id: number;
  trigger: string;
  status: string;
  error_code: string | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

/** A database, a simulator and the environment a worker process needs to sync between them. */
export interface WorkerBed {
  db: TestDatabase;
  simulator: Simulator;
  env: Record<string, string>;
  runs(): Promise<RunRow[]>;
  /** Starts a worker on the bed (bed env, then `env`); killed after the file's tests. */
  start(env?: Record<string, string>): Promise<WorkerProcess>;
  /** DATABASE_URL through a TCP proxy that tests can cut (down/up/blackhole). */
  proxiedDatabase(): Promise<{ proxy: TcpProxy; url: string }>;
}

/**
 * A fresh database and simulator (with `files` generated files) for worker-process tests. Every
 * worker started through it is SIGKILLed after the file's tests if it is still running.
 */
export async function startWorkerBed(
  options: { files?: number; seed?: number } = {},
): Promise<WorkerBed> {
  const db = await createTestDatabase();
  const simulator = await startSimulator({ apiKey: reliabilityApiKey, seed: options.seed ?? 5 });
  simulator.store.generate(options.files ?? 20);
  closeAfterAll(simulator);
  const env = {
    DATABASE_URL: db.url,
    NOVITA_BASE_URL: simulator.baseUrl,
    NOVITA_API_KEY: reliabilityApiKey,
    NOVITA_RETRIES: "0",
    SYNC_SCHEDULE: "*/2 * * * * *",
    EXPIRY_SCAN_SCHEDULE: "*/2 * * * * *",
    DISPATCH_POLL_INTERVAL_MS: "250",
  };
  return {
    db,
    simulator,
    env,
    runs: () =>
      db.query<RunRow>(
        "SELECT id, trigger, status, error_code, error, started_at, finished_at FROM sync_runs ORDER BY id",
      ),
    start: (extra = {}) => startWorkerProcess({ ...env, ...extra }),
    async proxiedDatabase() {
      const target = new URL(db.url);
      const proxy = await startTcpProxy({
        host: target.hostname,
        port: Number(target.port || 5432),
      });
      closeAfterAll(proxy);
      target.hostname = "127.0.0.1";
      target.port = String(proxy.port);
      return { proxy, url: target.toString() };
    },
  };
}

const clockSkewPreload = fileURLToPath(new URL("./reliability-clock-skew.ts", import.meta.url));

/**
 * NODE_OPTIONS that load the clock-skew preload into a worker process: its wall clock (Date.now
 * and `new Date()`) is `skewMs` off, and, after `jumpBackAfterMs`, moves `jumpBackMs` backwards.
 */
export function skewedClockEnv(clock: {
  skewMs: number;
  jumpBackMs?: number;
  jumpBackAfterMs?: number;
}): Record<string, string> {
  return {
    NODE_OPTIONS: `--import tsx --import ${clockSkewPreload}`,
    TEST_CLOCK_SKEW_MS: String(clock.skewMs),
    TEST_CLOCK_JUMP_BACK_MS: String(clock.jumpBackMs ?? 0),
    TEST_CLOCK_JUMP_BACK_AFTER_MS: String(clock.jumpBackAfterMs ?? 0),
  };
}
