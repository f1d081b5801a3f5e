import type pg from "pg";
import { makePool } from "../../src/db/pool.js";
import { makePrisma, type PrismaClient } from "../../src/db/prisma.js";
import { silentLogger } from "../../src/logging/logger.js";

/** A pool with the tests' timeouts and a Prisma client on it; `close` ends both. */
export function connectDatabase(
  url: string,
  poolSize = 5,
): { pool: pg.Pool; prisma: PrismaClient; close(): Promise<void> } {
  const pool = makePool({
    url,
    poolSize,
    connectTimeoutMs: 5_000,
    statementTimeoutMs: 30_000,
    idleInTransactionTimeoutMs: 30_000,
    logger: silentLogger,
  });
  const prisma = makePrisma(pool);
  return {
    pool,
    prisma,
    close: async () => {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}
