// The sync's statements one by one: for each scale, an initial import, a steady-state sync and a
// sync after 1% churn (a third changed, a third removed, a third new) against the simulator,
// printing every statement the run sends that takes at least APPLY_STATEMENTS_MIN_MS (default 20)
// and the run's wall time. A diagnosis aid for the apply transaction, not a timed test.
//   node --import tsx bench/apply-statements.ts <serverUrl> [scales, default 100000]
import pg from "pg";
import { migrate } from "../src/db/migrate.js";
import { makePrisma } from "../src/db/prisma.js";
import { silentLogger } from "../src/logging/logger.js";
import { makeNovitaClient } from "../src/novita/index.js";
import { startSimulator } from "../src/simulator/index.js";
import { benchPool, benchSync, churn, freshDatabase } from "./bench-database.js";

const [serverUrl = "postgresql://postgres@127.0.0.1:5432/postgres", scaleList = "100000"] =
  process.argv.slice(2);
const minMs = Number(process.env.APPLY_STATEMENTS_MIN_MS ?? 20);

interface Timed {
  ms: number;
  sql: string;
}
let timings: Timed[] = [];

// Every query of every pooled client (Prisma's adapter and the COPY staging) is timed here.
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function timedQuery(this: pg.Client, ...args: unknown[]) {
  const result = query.apply(this, args);
  const first = args[0] as string | { text?: string } | undefined;
  const sql = typeof first === "string" ? first : (first?.text ?? "(stream)");
  if (result instanceof Promise) {
    const started = performance.now();
    result.then(
      () => timings.push({ ms: performance.now() - started, sql }),
      () => timings.push({ ms: performance.now() - started, sql: `FAILED ${sql}` }),
    );
  }
  return result;
} as typeof pg.Client.prototype.query;

const simulator = await startSimulator({ apiKey: "k", seed: 42 });
for (const scale of scaleList.split(",").map(Number)) {
  const url = await freshDatabase(serverUrl, `nfs_apply_${scale}`);
  await migrate(url, silentLogger);
  simulator.reset();
  simulator.store.generate(scale, { seed: scale });
  const pool = benchPool(url, 3);
  const prisma = makePrisma(pool);
  await prisma.$queryRaw`SELECT 1`;
  const client = makeNovitaClient({
    baseUrl: simulator.baseUrl,
    apiKey: "k",
    logger: silentLogger,
    retries: 0,
  });
  for (const scenario of ["initial import", "steady state", "1% churn"]) {
    if (scenario === "1% churn") churn(simulator, scale / 100);
    await pool.query("CHECKPOINT"); // the previous run's dirty pages are not this run's cost
    timings = [];
    const started = performance.now();
    const outcome = await benchSync({ pool, prisma }, client);
    const wallMs = performance.now() - started;
    console.log(
      `\n${scale} ${scenario}: ${outcome.status} ${JSON.stringify(outcome.counts)} ${wallMs.toFixed(0)} ms`,
    );
    for (const t of timings.filter((t) => t.ms >= minMs)) {
      console.log(`${t.ms.toFixed(0).padStart(8)} ms  ${t.sql.replace(/\s+/g, " ").slice(0, 150)}`);
    }
  }
  await prisma.$disconnect();
  await pool.end();
}
await simulator.close();
