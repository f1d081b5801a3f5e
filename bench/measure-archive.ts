// One archiving pass in a fresh process (so its peak RSS is its own): prints one JSON line.
//   measure-archive.ts <databaseUrl> <simulatorBaseUrl> <apiKey> <archiveDir> <concurrency>
import { archiveOnce } from "../src/archive/archive-once.js";
import { makeLocalDirectoryStore } from "../src/archive/stores/local-directory-store.js";
import { makePrisma } from "../src/db/prisma.js";
import { silentLogger } from "../src/logging/logger.js";
import { makeNovitaClient } from "../src/novita/index.js";
import { benchPool } from "./bench-database.js";
import { peakRssMb } from "./peak-rss.js";

const [databaseUrl, baseUrl, apiKey, directory, concurrency] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const pool = benchPool(databaseUrl, Number(concurrency) + 2);
const prisma = makePrisma(pool);
await pool.query("SELECT 1");
const started = performance.now();
const outcome = await archiveOnce({
  prisma,
  client: makeNovitaClient({ baseUrl, apiKey, logger: silentLogger, retries: 0 }),
  store: makeLocalDirectoryStore(directory),
  purposes: ["batch_output"],
  concurrency: Number(concurrency),
  leaseMs: 3_600_000,
  logger: silentLogger,
});
const wallMs = performance.now() - started;
await prisma.$disconnect();
await pool.end();
process.stdout.write(`${JSON.stringify({ ...outcome, wallMs, peakRssMb: peakRssMb() })}\n`);
