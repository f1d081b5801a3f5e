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

/**
 * Settings of the apply transaction (SET LOCAL: they end with it).
 * - work_mem 32MB (default 4MB): the listing's classification hashes the mirror's files; with
 *   32MB the hash of a million files fits in the memory a parallel hash join shares among its
 *   processes (work_mem x hash_mem_multiplier x 3), so PostgreSQL runs it with two workers:
 *   4.0-4.4 s became 2.6-3.1 s at 1M files on 2 cores. With 4MB it is planned serially and
 *   spills in 32 batches; more memory alone (serial) gained nothing measurable.
 * - JIT off: these statements run once over up to a million rows, and compiling their
 *   expressions cost more than it saved (the classification: 0.97 s with JIT, 0.25 s without, at
 *   100k files).
 */
export async function setApplySettings(db: Db): Promise<void> {
  await db.$executeRaw`SET LOCAL work_mem = '32MB'`;
  await db.$executeRaw`SET LOCAL jit = off`;
}
