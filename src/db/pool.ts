import pg from "pg";
import type { Logger } from "../logging/logger.js";

export interface PoolOptions {
  url: string;
  poolSize: number;
  connectTimeoutMs: number;
  /** Server-side limit for one statement; 0 disables it. */
  statementTimeoutMs: number;
  /** Server-side limit for a transaction left idle; 0 disables it. */
  idleInTransactionTimeoutMs: number;
  logger: Logger;
  applicationName?: string;
}

// timestamptz and bigint come back as JS values the rest of the code expects:
// timestamptz as Date (pg's default), bigint (int8) as a string unless it fits a number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
});

/**
 * The one pg.Pool the process owns. Prisma runs on top of it through @prisma/adapter-pg. An idle
 * connection that dies (server restart, network cut) emits `error` on the pool; without a
 * listener that would crash the process, so it is logged and the pool replaces the connection.
 */
export function makePool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: options.applicationName ?? "novita-file-sync",
    // Client-side bound too, so a blackholed network cannot hang a query forever.
    query_timeout: options.statementTimeoutMs > 0 ? options.statementTimeoutMs + 5_000 : undefined,
    options: serverOptions(options),
  });
  pool.on("error", (error) => {
    options.logger.warn({ err: error }, "an idle database connection failed; it will be replaced");
  });
  return pool;
}

function serverOptions(options: PoolOptions): string {
  return [
    // @prisma/adapter-pg sends a Date as UTC wall time without an offset and reads timestamptz
    // as if it were UTC (prisma/orm#26786, #28629): the session must run in UTC for timestamps
    // to survive the round trip. The views name UTC explicitly, so nothing else changes.
    "-c TimeZone=UTC",
    `-c statement_timeout=${options.statementTimeoutMs}`,
    `-c idle_in_transaction_session_timeout=${options.idleInTransactionTimeoutMs}`,
  ].join(" ");
}
