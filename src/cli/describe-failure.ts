import type { Config } from "../config/config.js";
import { AppError, ConfigError, coerceError } from "../errors.js";
import { exitCodes } from "./exit-codes.js";

/** What the operator reads when a command fails: one message, and the exit code. */
export interface Failure {
  message: string;
  exitCode: number;
}

/** A wrong argument or option the command found itself (commander finds the others): exit 2. */
export class UsageError extends AppError<"usage"> {
  constructor(message: string) {
    super("usage", message);
  }
}

/**
 * Turns what a command threw into one message that says what to check and what to do. Expected
 * failures (configuration, database unreachable or refusing, the project's own errors) keep
 * their own words; anything else is an unexpected error, with the hint where to find its stack.
 */
export function describeFailure(thrown: unknown, config: Config | undefined): Failure {
  const error = coerceError(thrown);
  if (error instanceof ConfigError || error instanceof UsageError) {
    return { message: error.message, exitCode: exitCodes.usage };
  }
  const listen = error as NodeJS.ErrnoException & { port?: number; address?: string };
  if (listen.code === "EADDRINUSE" && listen.syscall === "listen") {
    return {
      message: `Port ${listen.port} on ${listen.address} is in use: set HTTP_PORT (and HTTP_HOST) to a free port, or stop what holds it.`,
      exitCode: exitCodes.failed,
    };
  }
  const database = describeDatabaseError(error, config);
  if (database !== undefined) return { message: capitalise(database), exitCode: exitCodes.failed };
  if (error instanceof AppError) return { message: error.message, exitCode: exitCodes.failed };
  return {
    message: `Unexpected error: ${error.message} (run with LOG_LEVEL=debug for the stack, and report it)`,
    exitCode: exitCodes.failed,
  };
}

const unreachable = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "ECONNRESET",
]);

/** The PostgreSQL failures an operator fixes in the configuration or on the server. */
function describeDatabaseError(error: Error, config: Config | undefined): string | undefined {
  const found = findDatabaseFailure(error);
  if (found === undefined) return undefined;
  const { code, reason } = found;
  const where = databaseDescription(config);
  const variable = databaseVariable(config);
  if (unreachable.has(code) || /timeout/i.test(reason)) {
    return `Cannot connect to ${where} (${reason}). Check ${variable}: is the server running, and are the host and port right?${config?.database.url === undefined ? "" : " Without DATABASE_URL the tool starts its own embedded PostgreSQL."}`;
  }
  if (code === "TLS" || /SSL/i.test(reason)) {
    return `Cannot connect to ${where} (${reason}). Check ${variable}: drop sslmode from it, or set sslmode=disable.`;
  }
  if (code.startsWith("28")) {
    return `${where} refused the login (${reason}). Check the user and password in ${variable}.`;
  }
  if (code === "3D000") {
    return `${where} answered, but ${reason}. Create it (createdb <name>) or fix the database name in ${variable}.`;
  }
  if (code === "42501") {
    return `${where} refused an operation (${reason}). Check the role's privileges; migrations need an owner role (MIGRATION_DATABASE_URL).`;
  }
  if (code === "53300") {
    return `${where} has no free connection (${reason}). Lower DATABASE_POOL_SIZE or raise the server's max_connections.`;
  }
  return `${where} is not ready (${reason}). Try again in a moment.`;
}

interface DatabaseFailure {
  /** A SQLSTATE, a socket error code, or `TLS`. */
  code: string;
  reason: string;
}

const databaseCodes = /^(28|3D000|42501|53300|57P03)/;

/**
 * The connection-level database failure behind an error, if there is one: from pg (an error with
 * a SQLSTATE or socket `code`) or from Prisma (the driver adapter's error, under `meta`).
 */
function findDatabaseFailure(error: Error): DatabaseFailure | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (unreachable.has(code) || databaseCodes.test(code))) {
      return { code, reason: e.message };
    }
    if (/connection timeout|timeout expired|does not support SSL/i.test(e.message)) {
      return { code: "ETIMEDOUT", reason: e.message };
    }
    const adapter = (e as { meta?: { driverAdapterError?: { cause?: AdapterCause } } }).meta
      ?.driverAdapterError?.cause;
    if (adapter !== undefined) return fromAdapter(adapter);
    e = e.cause;
  }
  return undefined;
}

interface AdapterCause {
  kind?: string;
  originalCode?: string;
  originalMessage?: string;
  host?: string;
  port?: number;
  reason?: string;
}

function fromAdapter(cause: AdapterCause): DatabaseFailure | undefined {
  if (cause.originalCode !== undefined && databaseCodes.test(cause.originalCode)) {
    return { code: cause.originalCode, reason: cause.originalMessage ?? cause.kind ?? "" };
  }
  switch (cause.kind) {
    case "DatabaseNotReachable":
      return { code: "ECONNREFUSED", reason: `no answer from ${cause.host}:${cause.port}` };
    case "SocketTimeout":
      return { code: "ETIMEDOUT", reason: "the connection timed out" };
    case "ConnectionClosed":
      return { code: "ECONNRESET", reason: "the server closed the connection" };
    case "TlsConnectionError":
      return { code: "TLS", reason: cause.reason ?? "TLS failed" };
    default:
      return undefined;
  }
}

/** The database in use, as an operator can recognise it, without a password. */
export function databaseDescription(config: Config | undefined): string {
  if (config === undefined) return "the database";
  if (config.database.url === undefined) {
    return `the embedded PostgreSQL under ${config.database.dataDir}/postgres (port ${config.database.embeddedPort})`;
  }
  return `the database at ${withoutPassword(config.database.url)}`;
}

function databaseVariable(config: Config | undefined): string {
  if (config?.database.url === undefined)
    return "DATA_DIR and EMBEDDED_POSTGRES_PORT (or set DATABASE_URL)";
  return config.database.migrationUrl === undefined
    ? "DATABASE_URL"
    : "DATABASE_URL (and MIGRATION_DATABASE_URL for migrations)";
}

/** A PostgreSQL URL with its password left out (the user name stays: it helps). */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "(an unreadable URL)";
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
