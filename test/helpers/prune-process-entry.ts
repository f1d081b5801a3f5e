// A prune in a process of its own, so a test can kill it half-way: many small batches of the
// outbox given by DATABASE_URL, retention 30 days, clock PRUNE_NOW.
import { silentLogger } from "../../src/logging/logger.js";
import { pruneOnce } from "../../src/retention/index.js";
import { connectDatabase } from "./connect-database.js";

const { prisma, close } = connectDatabase(process.env.DATABASE_URL as string, 2);
await pruneOnce({
  prisma,
  eventRetentionMs: 30 * 86_400_000,
  runRetentionMs: 90 * 86_400_000,
  expiryWindowsMs: [86_400_000],
  logger: silentLogger,
  batchSize: 10,
  now: new Date(process.env.PRUNE_NOW as string),
});
await close();
