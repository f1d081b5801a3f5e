// `npm run soak` (node --import tsx bench/soak.ts): the real worker process, syncing a simulated
// account of SOAK_FILES files (default 10k) on a short schedule for SOAK_RUNS runs (default 200),
// with 1% churn before every run (a third changed, a third deleted, a third new), the expiry scan
// on its schedule and every event delivered to a local webhook. Every 20 runs it prints the
// worker's RSS and heap (from its /metrics) and the database sessions open in pg_stat_activity:
// both must stay flat. Loopback only; bounded by SOAK_RUNS and a time limit.
//
// Database: SOAK_DATABASE_URL (a server URL allowed to create databases), else an embedded
// PostgreSQL in a temporary directory.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startSimulator } from "../src/simulator/index.js";
import { benchServer, churn, freshDatabase } from "./bench-database.js";

const runs = Number(process.env.SOAK_RUNS ?? 200);
const files = Number(process.env.SOAK_FILES ?? 10_000);
const schedule = process.env.SOAK_SCHEDULE ?? "*/2 * * * * *";
const printEvery = 20;
const apiKey = "sk-soak";
const root = fileURLToPath(new URL("..", import.meta.url));
const cliMain = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));

interface Sample {
  runs: number;
  elapsedS: number;
  rssMb: number;
  heapMb: number;
  sessions: number;
  lastRunMs: number;
  events: number;
  undelivered: number;
}

async function main() {
  const { serverUrl, stop } = await benchServer(process.env.SOAK_DATABASE_URL);
  const url = await freshDatabase(serverUrl, "nfs_soak");
  const simulator = await startSimulator({ apiKey, seed: 11 });
  simulator.store.generate(files, { seed: 11 });
  const receiver = await startReceiver();
  const httpPort = 18_000 + Math.floor(Math.random() * 2_000);
  const worker = startWorker({
    DATABASE_URL: url,
    NOVITA_BASE_URL: simulator.baseUrl,
    NOVITA_API_KEY: apiKey,
    NOVITA_RETRIES: "0",
    SYNC_SCHEDULE: schedule,
    EXPIRY_SCAN_SCHEDULE: schedule,
    HTTP_PORT: String(httpPort),
    WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRET: `whsec_${Buffer.from("soak-secret-soak-secret").toString("base64")}`,
    DISPATCH_POLL_INTERVAL_MS: "1000",
    LOG_LEVEL: "warn",
  });
  await waitForHealth(httpPort, worker);
  const monitor = new pg.Client({ connectionString: url, application_name: "soak monitor" });
  await monitor.connect();
  const samples: Sample[] = [];
  const started = performance.now();
  const deadline = started + runs * 10_000 + 120_000;
  try {
    let seen = 0;
    while (seen < runs) {
      if (performance.now() > deadline) throw new Error(`gave up after ${seen} runs: too slow`);
      if (worker.exitCode !== null) throw new Error(`the worker exited with ${worker.exitCode}`);
      const done = await finishedRuns(monitor);
      if (done > seen) {
        seen = done;
        churn(simulator, Math.round(files / 100));
        if (seen % printEvery === 0 || seen === runs) {
          const sample = await measure(monitor, httpPort, seen, started);
          samples.push(sample);
          print(sample, samples.length === 1);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    worker.kill("SIGTERM");
    await new Promise((resolve) => worker.once("exit", resolve));
    await monitor.end();
    await receiver.close();
    await simulator.close();
    await stop();
  }
  verdict(samples, receiver.received());
}

function startWorker(env: Record<string, string>): ChildProcess {
  const script = `const { runCli } = await import(${JSON.stringify(cliMain)});
process.exitCode = await runCli([process.execPath, "novita-file-sync", "worker"]);`;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "--eval", script],
    {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  return child;
}

/** The worker serves /healthz once it has migrated and started. */
async function waitForHealth(httpPort: number, worker: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (worker.exitCode !== null) throw new Error(`the worker exited with ${worker.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${httpPort}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the worker did not serve /healthz within 60 s");
}

/** Runs the worker finished (any outcome but skipped), and whether the last one succeeded. */
async function finishedRuns(monitor: pg.Client): Promise<number> {
  const { rows } = await monitor.query<{ n: number; failed: number }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM sync_runs WHERE finished_at IS NOT NULL AND status <> 'skipped'`,
  );
  if (rows[0]!.failed > 0) throw new Error(`${rows[0]!.failed} run(s) failed; see the log above`);
  return rows[0]!.n;
}

async function measure(
  monitor: pg.Client,
  httpPort: number,
  runsDone: number,
  started: number,
): Promise<Sample> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const metric = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  const { rows } = await monitor.query<{
    sessions: number;
    last_run_ms: number;
    events: number;
    undelivered: number;
  }>(
    `SELECT (SELECT count(*)::int FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid()) AS sessions,
            (SELECT duration_ms FROM sync_runs WHERE status = 'succeeded'
              ORDER BY id DESC LIMIT 1) AS last_run_ms,
            (SELECT count(*)::int FROM events) AS events,
            (SELECT count(*)::int FROM event_deliveries WHERE status <> 'delivered') AS undelivered`,
  );
  const row = rows[0]!;
  return {
    runs: runsDone,
    elapsedS: Math.round((performance.now() - started) / 1000),
    rssMb: metric("novita_file_sync_process_process_resident_memory_bytes") / 2 ** 20,
    heapMb: metric("novita_file_sync_process_nodejs_heap_size_used_bytes") / 2 ** 20,
    sessions: row.sessions,
    lastRunMs: row.last_run_ms,
    events: row.events,
    undelivered: row.undelivered,
  };
}

function print(sample: Sample, header: boolean) {
  const columns: [string, keyof Sample, number][] = [
    ["runs", "runs", 0],
    ["elapsed s", "elapsedS", 0],
    ["RSS MB", "rssMb", 1],
    ["heap MB", "heapMb", 1],
    ["db sessions", "sessions", 0],
    ["last run ms", "lastRunMs", 0],
    ["events", "events", 0],
    ["undelivered", "undelivered", 0],
  ];
  if (header) console.log(columns.map(([title]) => title.padStart(12)).join(""));
  console.log(columns.map(([, key, digits]) => sample[key].toFixed(digits).padStart(12)).join(""));
}

function verdict(samples: Sample[], delivered: number) {
  const first = samples[0];
  const last = samples.at(-1);
  if (first === undefined || last === undefined) return;
  const sessions = samples.map((s) => s.sessions);
  console.log(
    `\n${last.runs} runs of ${files} files in ${last.elapsedS} s; ${delivered} webhook requests received.`,
  );
  console.log(
    `RSS ${first.rssMb.toFixed(1)} MB after ${first.runs} runs, ${last.rssMb.toFixed(1)} MB after ${last.runs} ` +
      `(max ${Math.max(...samples.map((s) => s.rssMb)).toFixed(1)}); heap ${first.heapMb.toFixed(1)} → ${last.heapMb.toFixed(1)} MB.`,
  );
  console.log(
    `Database sessions: min ${Math.min(...sessions)}, max ${Math.max(...sessions)} (the pool holds at most DATABASE_POOL_SIZE, 10; a session being closed may still be listed).`,
  );
}

async function startReceiver(): Promise<{
  url: string;
  received(): number;
  close(): Promise<void>;
}> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/soak`,
    received: () => received,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

await main();
