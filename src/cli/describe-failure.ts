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
  const found = findCause(error, (e) => {
    const code = (e as { code?: unknown }).code;
    return (
      (typeof code === "string" &&
        (unreachable.has(code) || /^(28|3D|42501|53300|57P03)/.test(code))) ||
      /connection timeout|timeout expired|does not support SSL/i.test(e.message)
    );
  });
  if (found === undefined) return undefined;
  const code = String((found as { code?: unknown }).code ?? "");
  const where = databaseDescription(config);
  const variable = databaseVariable(config);
  const reason = found.message;
  if (unreachable.has(code) || /timeout/i.test(reason)) {
    return `Cannot connect to ${where} (${reason}). Check ${variable}: is the server running, and are the host and port right?${config?.database.url === undefined ? "" : " Without DATABASE_URL the tool starts its own embedded PostgreSQL."}`;
  }
  if (/does not support SSL/i.test(reason)) {
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

function findCause(error: Error, match: (e: Error) => boolean): Error | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; depth++) {
    if (match(e)) return e;
    e = e.cause;
  }
  return undefined;
}
