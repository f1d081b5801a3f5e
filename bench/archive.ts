// `npm run bench:archive` (also run by `npm run bench`): archiving throughput from the simulator
// into the local directory store, over loopback. 1,000 files of 1 MB (BENCH_ARCHIVE_FILES,
// BENCH_ARCHIVE_BYTES), then, with BENCH_ARCHIVE_LARGE=1, one 1 GB file: peak RSS must not grow
// with the file's size (the content is streamed, never held whole). Each pass runs in its own
// process, so its peak RSS is its own. Database: BENCH_DATABASE_URL, else an embedded PostgreSQL.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { migrate } from "../src/db/migrate.js";
import { silentLogger } from "../src/logging/logger.js";
import { startSimulator } from "../src/simulator/index.js";
import { benchServer, freshDatabase } from "./bench-database.js";

const apiKey = "sk-bench";
const files = Number(process.env.BENCH_ARCHIVE_FILES ?? 1000);
const bytes = Number(process.env.BENCH_ARCHIVE_BYTES ?? 1024 * 1024);
const concurrency = Number(process.env.BENCH_ARCHIVE_CONCURRENCY ?? 4);
const measureScript = fileURLToPath(new URL("./measure-archive.ts", import.meta.url));
const syncScript = fileURLToPath(new URL("./measure.ts", import.meta.url));

interface PassFigures {
  archived: number;
  bytes: number;
  wallMs: number;
  peakRssMb: number;
}

async function main() {
  const { serverUrl, stop } = await benchServer(process.env.BENCH_DATABASE_URL);
  const simulator = await startSimulator({ apiKey, seed: 11 });
  const rows: { scenario: string; figures: PassFigures }[] = [];
  try {
    const scenarios: [string, number, number][] = [[`${files} x ${mb(bytes)} MB`, files, bytes]];
    if (process.env.BENCH_ARCHIVE_LARGE === "1") scenarios.push(["1 x 1024 MB", 1, 1024 ** 3]);
    for (const [scenario, count, size] of scenarios) {
      simulator.reset();
      for (let i = 0; i < count; i++) simulator.store.add({ purpose: "batch_output", bytes: size });
      const url = await freshDatabase(serverUrl, "nfs_bench_archive");
      await migrate(url, silentLogger);
      await syncInto(url, simulator.baseUrl);
      const directory = mkdtempSync(join(tmpdir(), "nfs-bench-archive-"));
      try {
        rows.push({ scenario, figures: await measure(url, simulator.baseUrl, directory) });
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    }
  } finally {
    await simulator.close();
    await stop();
  }
  console.log(
    `\n${"archive pass".padEnd(16)} ${"files".padStart(6)} ${"MB".padStart(8)} ${"wall s".padStart(8)} ${"MB/s".padStart(8)} ${"RSS MB".padStart(8)}`,
  );
  for (const { scenario, figures: f } of rows) {
    console.log(
      `${scenario.padEnd(16)} ${String(f.archived).padStart(6)} ${mb(f.bytes).padStart(8)} ${(f.wallMs / 1000).toFixed(1).padStart(8)} ${(f.bytes / 1024 ** 2 / (f.wallMs / 1000)).toFixed(1).padStart(8)} ${f.peakRssMb.toFixed(0).padStart(8)}`,
    );
  }
  console.log(`(concurrency ${concurrency}; local directory store, fsync per file)`);
}

/** The sync that lists the files into the mirror: measure.ts's own sync mode. */
async function syncInto(url: string, baseUrl: string): Promise<void> {
  await promisify(execFile)(process.execPath, [
    "--import",
    "tsx",
    syncScript,
    "sync",
    url,
    baseUrl,
    apiKey,
  ]);
}

async function measure(url: string, baseUrl: string, directory: string): Promise<PassFigures> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", measureScript, url, baseUrl, apiKey, directory, String(concurrency)],
    { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as PassFigures;
}

function mb(n: number): string {
  return (n / 1024 ** 2).toFixed(0);
}

await main();
