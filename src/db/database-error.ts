// Prisma reports a failed raw query as PrismaClientKnownRequestError P2010 with the driver's error
// nested in `meta`, and a message that starts with the invocation. The sync classifies database
// errors by SQLSTATE (a data error is isolated, a lost connection frees the lock) and records
// the database's own message, so both come from one place whichever way the statement ran.

interface DriverCause {
  originalCode?: unknown;
  originalMessage?: unknown;
  kind?: unknown;
}

function driverCause(error: unknown): DriverCause | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: DriverCause } } } | null)?.meta;
  return meta?.driverAdapterError?.cause;
}

/** The SQLSTATE of a database error from pg or from Prisma, if it has one. */
export function sqlStateOf(error: unknown): string | undefined {
  const code = driverCause(error)?.originalCode ?? (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * A Prisma raw-query error as the database said it: an Error whose message is the database's
 * message and whose `code` is the SQLSTATE (like pg's errors), with Prisma's error as the cause.
 * Anything else is returned as it is.
 */
export function plainDatabaseError(error: unknown): unknown {
  const cause = driverCause(error);
  if (cause === undefined) return error;
  const message =
    typeof cause.originalMessage === "string"
      ? cause.originalMessage
      : (error as Error).message.trim().split("\n").at(-1)!;
  return Object.assign(new Error(message, { cause: error }), {
    code: sqlStateOf(error) ?? cause.kind,
  });
}
