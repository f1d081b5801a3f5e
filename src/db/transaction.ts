import { type Db, Prisma } from "./prisma.js";

/**
 * The sync's apply transaction. Prisma's interactive transactions default to maxWait 2 s (to get
 * a connection) and timeout 5 s (for the whole callback), after which Prisma rolls back; a first
 * import of 100k files takes several seconds and of a million about a minute. Each statement is
 * bounded by DATABASE_STATEMENT_TIMEOUT_MS; this bound is for the whole apply, so it is generous.
 * maxWait covers a pool briefly busy with the dispatcher and the expiry scan.
 */
export const applyTransactionOptions = { maxWait: 10_000, timeout: 30 * 60_000 } as const;

/** A savepoint statement inside an interactive transaction (the name is the caller's constant). */
export async function savepoint(
  db: Db,
  action: "SAVEPOINT" | "ROLLBACK TO SAVEPOINT" | "RELEASE SAVEPOINT",
  name: "listing" | "probe",
): Promise<void> {
  await db.$executeRaw(Prisma.raw(`${action} ${name}`));
}
