// A prune in a process of its own, so a test can kill it half-way: many small batches of the
// outbox given by DATABASE_URL, retention 30 days, clock PRUNE_NOW.
import { makePool } from "../../src/db/pool.js";
import { makePrisma } from "../../src/db/prisma.js";
import { silentLogger } from "../../src/logging/logger.js";
import { pruneOnce } from "../../src/retention/index.js";

const pool = makePool({
  url: process.env.DATABASE_URL as string,
  poolSize: 2,
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 30_000,
  idleInTransactionTimeoutMs: 30_000,
  logger: silentLogger,
});
const prisma = makePrisma(pool);
await pruneOnce({
  prisma,
  eventRetentionMs: 30 * 86_400_000,
  runRetentionMs: 90 * 86_400_000,
  expiryWindowsMs: [86_400_000],
  logger: silentLogger,
  batchSize: 10,
  now: new Date(process.env.PRUNE_NOW as string),
});
await prisma.$disconnect();
await pool.end();
