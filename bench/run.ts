// `npm run bench`: sync throughput against the simulator over loopback. For 10k and 100k files
// (and 1M with BENCH_LARGE=1): initial import, steady state (no change) and 1% churn, each in its own process, with wall time
// (after the Prisma client's one-time start, which a worker pays once: see measure.ts),
// rows written in the mirror tables (pg_stat_user_tables; the scratch staging tables sync_listing
// and sync_seen_invalid are not counted) and peak RSS; and references: the floor (one fetch +
// JSON.parse + one COPY into an unindexed temporary table; the same with an insert of unnested
// arrays for reference) and, at 10k, a naive
// baseline (one prisma.file.upsert per file). The staging rows time the staging of a fetched
// listing alone: the pg COPY the sync uses against Prisma's tagged $executeRaw (the measurement
// behind the COPY exception in docs/architecture.md).
//
// Database: BENCH_DATABASE_URL (a server URL allowed to create databases), else an embedded
// PostgreSQL in a temporary directory.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { migrate } from "../src/db/migrate.js";
import { silentLogger } from "../src/logging/logger.js";
import { startSimulator } from "../src/simulator/index.js";
import { benchServer, churn, freshDatabase } from "./bench-database.js";

const apiKey = "sk-bench";
// The 1M size takes minutes (its initial import most of all): opt in with BENCH_LARGE=1, or name
// the sizes with BENCH_SCALES.
const scales = (
  process.env.BENCH_SCALES ??
  (process.env.BENCH_LARGE === "1" ? "10000,100000,1000000" : "10000,100000")
)
  .split(",")
  .map(Number);
/** Above this size the reference rows (unnest insert, staging through Prisma) are left out. */
const maxReferenceScale = 100_000;
const measureScript = fileURLToPath(new URL("./measure.ts", import.meta.url));

interface Row {
  scale: number;
  scenario: string;
  wallMs: number;
  rowsWritten: number | null;
  peakRssMb: number;
}

async function main() {
  const { serverUrl, stop } = await benchServer(process.env.BENCH_DATABASE_URL);
  const simulator = await startSimulator({ apiKey, seed: 42 });
  const rows: Row[] = [];
  try {
    for (const scale of scales) {
      const url = await freshDatabase(serverUrl, `nfs_bench_${scale}`);
      await migrate(url, silentLogger);
      simulator.reset();
      simulator.store.generate(scale, { seed: scale });
      const references = [
        ["floor", "floor (fetch + parse + COPY)"],
        ["floor-unnest", "ref: fetch + parse + unnest insert"],
        ["stage-copy", "staging: pg COPY (today)"],
        ["stage-prisma", "staging: Prisma $executeRaw"],
      ] as const;
      for (const [mode, scenario] of scale > maxReferenceScale
        ? references.slice(0, 1)
        : references) {
        const reference = await measure(mode, url, simulator.baseUrl);
        rows.push({
          scale,
          scenario,
          // The staging modes report the staging alone, without the fetch.
          wallMs: reference.stagingMs ?? reference.wallMs,
          rowsWritten: null,
          peakRssMb: reference.peakRssMb,
        });
      }
      rows.push(await measureSync(scale, "initial import", url, simulator.baseUrl));
      rows.push(await measureSync(scale, "steady state", url, simulator.baseUrl));
      churn(simulator, scale / 100);
      rows.push(await measureSync(scale, "1% churn", url, simulator.baseUrl));
      if (scale <= 10_000) {
        const naiveUrl = await freshDatabase(serverUrl, `nfs_bench_naive_${scale}`);
        await migrate(naiveUrl, silentLogger);
        const naive = await measure("naive", naiveUrl, simulator.baseUrl);
        rows.push({
          scale,
          scenario: "naive (prisma upsert per file)",
          wallMs: naive.wallMs,
          rowsWritten: null,
          peakRssMb: naive.peakRssMb,
        });
      }
    }
  } finally {
    await simulator.close();
    await stop();
  }
  print(rows);
}

/** Node's memory flags as `npm start` (and the image: a test holds them equal) run the worker. */
const nodeFlags = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    scripts: { start: string };
  }
).scripts.start
  .split(/\s+/)
  .filter((word) => word.startsWith("--"));

/** Runs one measurement in a child process (asynchronously: the simulator lives in this one). */
async function measure(mode: string, url: string, baseUrl: string) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...nodeFlags, "--import", "tsx", measureScript, mode, url, baseUrl, apiKey],
    { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as {
    wallMs: number;
    peakRssMb: number;
    /** For the staging modes: the staging alone, without the fetch. */
    stagingMs?: number;
    /** For a sync: the run alone, without the Prisma client's one-time start. */
    syncMs?: number;
  };
}

async function measureSync(
  scale: number,
  scenario: string,
  url: string,
  baseUrl: string,
): Promise<Row> {
  const before = await rowsWritten(url);
  const result = await measure("sync", url, baseUrl);
  // The measuring process has exited, so its backend has flushed its statistics.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return {
    scale,
    scenario,
    wallMs: result.syncMs ?? result.wallMs,
    rowsWritten: (await rowsWritten(url)) - before,
    peakRssMb: result.peakRssMb,
  };
}

async function rowsWritten(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) AS n FROM pg_stat_user_tables
        WHERE relname IN ('files', 'file_versions', 'events', 'sync_runs')`,
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

function print(rows: Row[]) {
  const fmt = (n: number) => n.toFixed(0).padStart(8);
  console.log(
    `\n${"files".padStart(7)}  ${"scenario".padEnd(32)} ${"wall ms".padStart(8)} ${"rows".padStart(8)} ${"RSS MB".padStart(8)}  vs floor`,
  );
  for (const row of rows) {
    const floor = rows.find((r) => r.scale === row.scale && r.scenario.startsWith("floor"))!;
    console.log(
      `${String(row.scale).padStart(7)}  ${row.scenario.padEnd(32)} ${fmt(row.wallMs)} ${row.rowsWritten === null ? "       -" : fmt(row.rowsWritten)} ${fmt(row.peakRssMb)}  ${(row.wallMs / floor.wallMs).toFixed(2)}x`,
    );
  }
  console.log(
    "\nTargets: 100k steady state <= 1.5x floor; 100k initial import <= 3x floor; 1M steady state <= 1.0x floor; 10k import >= 30x faster than naive; sync peak RSS < 250 MB at 1M and within 50 MB of 10k.",
  );
  const syncPeaks = scales.map((scale) => {
    const peak = Math.max(
      ...rows.filter((r) => r.scale === scale && r.rowsWritten !== null).map((r) => r.peakRssMb),
    );
    return `${scale}: ${peak.toFixed(0)} MB`;
  });
  console.log(`Sync peak RSS by size (highest of its runs): ${syncPeaks.join(", ")}`);
  const at = (scale: number, prefix: string) =>
    rows.find((r) => r.scale === scale && r.scenario.startsWith(prefix));
  for (const scale of scales) {
    const copy = at(scale, "staging: pg COPY");
    const prisma = at(scale, "staging: Prisma");
    if (copy && prisma)
      console.log(
        `${scale}: staging through Prisma $executeRaw / pg COPY = ${(prisma.wallMs / copy.wallMs).toFixed(1)}x`,
      );
  }
  const naive = at(10_000, "naive");
  const import10k = at(10_000, "initial");
  if (naive && import10k)
    console.log(`10k: naive / initial import = ${(naive.wallMs / import10k.wallMs).toFixed(1)}x`);
}

await main();
