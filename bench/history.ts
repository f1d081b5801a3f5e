// A year unattended (issue 17): seeds a year of history and prints what stays fast as it grows.
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres HISTORY_SCALE=0.1 npm run bench:history
// HISTORY_SCALE 1 (default) is 10M events, 3M versions, 105k runs; 0.1 a tenth of that. The
// database nfs_bench_history is created, and dropped at the end unless --keep.

import { migrate } from "../src/db/migrate.js";
import { makePool } from "../src/db/pool.js";
import { makePrisma, type PrismaClient } from "../src/db/prisma.js";
import { rollUpClosedDays } from "../src/db/tables/file-daily-rollup.js";
import {
  listDisappearances,
  listDailyStats as readDailyStatsView,
} from "../src/db/tables/file-versions.js";
import { listRunSummaries } from "../src/db/tables/sync-runs.js";
import { silentLogger } from "../src/logging/logger.js";
import { listDailyStats } from "../src/report/list-daily-stats.js";
import { pruneOnce } from "../src/retention/index.js";
import { makeWorkerMetrics } from "../src/worker/metrics.js";
import { freshDatabase } from "./bench-database.js";
import { seedHistoryYear } from "./seed-history-year.js";

const day = 86_400_000;
const scale = Number(process.env.HISTORY_SCALE ?? "1");
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const url = await freshDatabase(serverUrl, "nfs_bench_history");
await migrate(url, silentLogger);
const pool = makePool({
  url,
  poolSize: 4,
  connectTimeoutMs: 10_000,
  statementTimeoutMs: 0,
  idleInTransactionTimeoutMs: 0,
  logger: silentLogger,
});
const prisma = makePrisma(pool);

/** The median of `runs` timings of `task`, in ms (one warm-up first). */
async function time(task: () => Promise<unknown>, runs = 5): Promise<number> {
  await task();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await task();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const metrics = makeWorkerMetrics(prisma, [day, 3_600_000]);
const figures = (db: PrismaClient) => ({
  "/metrics scrape": () => metrics.registry.metrics(),
  "report stats --days 30 (rollup)": () => listDailyStats(db, { days: 30 }),
  "report runs --last 50": () => listRunSummaries(db, 50),
  "report disappeared (30 days)": () => listDisappearances(db, new Date(Date.now() - 30 * day)),
});

async function printFigures(label: string): Promise<void> {
  const counts = (
    await pool.query(
      `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM event_deliveries) AS deliveries,
              (SELECT count(*) FROM sync_runs) AS runs, (SELECT count(*) FROM file_versions) AS versions`,
    )
  ).rows[0];
  console.log(`\n${label}: ${JSON.stringify(counts)}`);
  // file_daily_stats with an empty rollup computes every day from the versions (what the view
  // did before the rollup); then the closed days are rolled up once, as the worker does hourly.
  await pool.query("DELETE FROM file_daily_rollup");
  await pool.query("UPDATE file_daily_rollup_state SET rolled_through = NULL");
  const fromScratch = await time(() => readDailyStatsView(prisma, 30), 3);
  console.log(
    `  ${"report stats --days 30, no rollup".padEnd(32)} ${fromScratch.toFixed(1).padStart(9)} ms (median of 3)`,
  );
  const rollUpStarted = performance.now();
  const rolled = await rollUpClosedDays(prisma);
  console.log(
    `  ${"roll up every closed day".padEnd(32)} ${(performance.now() - rollUpStarted).toFixed(1).padStart(9)} ms (${rolled.rows} rows, through ${rolled.rolledThrough})`,
  );
  for (const [name, task] of Object.entries(figures(prisma))) {
    console.log(
      `  ${name.padEnd(32)} ${(await time(task)).toFixed(1).padStart(9)} ms (median of 5)`,
    );
  }
}

const prune = (eventRetentionMs: number, runRetentionMs: number) =>
  pruneOnce({
    prisma,
    eventRetentionMs,
    runRetentionMs,
    expiryWindowsMs: [day],
    logger: silentLogger,
  });

const seeded = performance.now();
await seedHistoryYear(pool, scale);
console.log(
  `seeded a year at scale ${scale} in ${((performance.now() - seeded) / 1000).toFixed(0)} s`,
);
await printFigures("before pruning");
const slice = await prune(364 * day, 364 * day);
console.log(`\nprune of one day's slice: ${JSON.stringify(slice)}`);
const full = await prune(30 * day, 90 * day);
console.log(`prune to the defaults (30d events, 90d runs): ${JSON.stringify(full)}`);
await pool.query("VACUUM ANALYZE");
await printFigures("after pruning");
const again = await prune(30 * day, 90 * day);
console.log(
  `\nprune again (nothing to do): ${again.durationMs} ms, ${again.events} events, ${again.runs} runs`,
);

await prisma.$disconnect();
await pool.end();
if (!process.argv.includes("--keep")) {
  const admin = makePool({
    url: serverUrl,
    poolSize: 1,
    connectTimeoutMs: 10_000,
    statementTimeoutMs: 0,
    idleInTransactionTimeoutMs: 0,
    logger: silentLogger,
  });
  await admin.query("DROP DATABASE IF EXISTS nfs_bench_history WITH (FORCE)");
  await admin.end();
}
