import type pg from "pg";
import { coerceError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import {
  copyListingText,
  deleteEarlierDuplicates,
  deleteStagedFrom,
  insertSeenInvalid,
} from "./stage-listing.js";

// The session exception (docs/architecture.md): the sync lock is a session-level advisory lock
// held on one connection across the fetch, which Prisma's pool cannot give. The listing is
// staged on the same connection (COPY, also an exception).

/** Advisory lock key held by the one process that is syncing ("NFSsyn"). */
export const syncLockKey = 0x4e4653_73796e;
/**
 * A transaction lock taken by the apply while it reads the staging tables and by their emptying,
 * so a run whose session died mid-apply (its sync lock gone) keeps its staged rows to the end.
 */
export const stagingLockKey = syncLockKey + 1;

/** The sync's own connection, holding the sync lock. */
export interface SyncSession {
  /** COPYs text made of listingCopyLine lines into sync_listing, in one COPY; commits. */
  stageText(text: Buffer): Promise<void>;
  /** Stages ids seen in the listing that are not staged files, each at its position; commits. */
  stageSeenInvalid(
    runId: number,
    ids: readonly string[],
    positions: readonly number[],
  ): Promise<void>;
  /** Deletes the run's staged rows from these positions on; commits. */
  unstageFrom(runId: number, from: { position: number; invalidPosition: number }): Promise<void>;
  /** Keeps the last staged row of each repeated id (among `ids`, or all when null); commits. */
  dropEarlierDuplicates(
    runId: number,
    ids: readonly string[] | null,
  ): Promise<{ dropped: number; sample: string[] }>;
  /**
   * Deletes every staged row. Only the lock holder stages, so rows of another run were left by
   * one that died. DELETE, which any role with data rights may (the next run truncates when its
   * role may).
   */
  emptyStaging(): Promise<void>;
  /**
   * Empties the staging tables with TRUNCATE, which takes no time and leaves no dead rows for
   * VACUUM (DELETE of a million staged rows cost 1.3 s of the server's CPU during the download,
   * and the table twice its size until vacuumed). True when done; false when this role may not
   * (then it is not tried again on this pool) or another session holds the tables for more than a
   * moment (autovacuum, say): the caller then deletes instead. Call it before staging.
   */
  truncateStaging(): Promise<boolean>;
  /**
   * Deletes the staged rows of every other run (the previous run's, left for this one to delete),
   * on another pooled connection so that it runs while this run's listing downloads and stages.
   */
  emptyOtherRuns(runId: number): Promise<void>;
  /**
   * Refreshes the staging tables' statistics, so the apply's joins are planned for the rows just
   * staged rather than for what the tables held when autovacuum last looked (a plan for an empty
   * table turns a million-row anti-join into minutes). Only the tables' owner may: for another
   * role PostgreSQL skips it with a warning and the plan relies on autovacuum's statistics. On
   * another pooled connection, so that it runs beside the session's own last statements.
   */
  analyzeStaging(): Promise<void>;
  /**
   * VACUUM (ANALYZE) of `files` and `file_versions`, for a run that has just written a large
   * share of them (an initial import, say). Every run reads all of `files`, and until autovacuum
   * comes round (minutes later on a busy server) each pays for the new rows' hint bits and
   * visibility and is planned without statistics (1M files: the next sync's classification 2.9 s
   * instead of 2.4 s, its count of active files 0.65 s instead of 0.27 s); the reports read
   * `file_versions` index-only, which needs its visibility map; and autovacuum's own pass over
   * both would otherwise run beside the next sync. On another pooled connection, after the run
   * has committed. False when PostgreSQL skipped a table (with a warning) because this role does
   * not own it: autovacuum does it later.
   */
  vacuumMirror(): Promise<boolean>;
}

/** Pools whose role may not TRUNCATE the staging tables (a role with data rights only). */
const truncateRefused = new WeakSet<pg.Pool>();
/** How long TRUNCATE waits for the staging tables before the run deletes instead. */
const truncateLockTimeoutMs = 200;

/**
 * Runs `body` on a connection holding the sync lock, or with null when another process holds it
 * (taken without waiting). It is a session lock: a process that dies loses its connection and so
 * the lock, and the next run can go ahead. A connection that failed is destroyed, not pooled.
 */
export async function withSyncSession<T>(
  pool: pg.Pool,
  logger: Logger,
  body: (session: SyncSession | null) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // While checked out, a dying connection emits `error` on the client (not the pool): without a
  // listener that would crash the process. The failing query reports the error to the run.
  const onClientError = (error: Error) => {
    broken = true;
    logger.warn({ err: error }, "the sync's database connection failed");
  };
  client.on("error", onClientError);
  const onSession = async <R>(work: () => Promise<R>): Promise<R> => {
    try {
      return await work();
    } catch (error) {
      broken ||= isConnectionError(coerceError(error));
      throw error;
    }
  };
  try {
    const { rows } = await onSession(() =>
      client.query<{ taken: boolean }>("SELECT pg_try_advisory_lock($1) AS taken", [syncLockKey]),
    );
    if (rows[0]?.taken !== true) return await body(null);
    try {
      return await body({
        stageText: (text) => onSession(() => copyListingText(client, text)),
        stageSeenInvalid: (runId, ids, positions) =>
          onSession(() => insertSeenInvalid(client, runId, ids, positions)),
        unstageFrom: (runId, from) => onSession(() => deleteStagedFrom(client, runId, from)),
        dropEarlierDuplicates: (runId, ids) =>
          onSession(() => deleteEarlierDuplicates(client, runId, ids)),
        analyzeStaging: () =>
          onPooledClient(pool, async (other) => {
            await other.query("ANALYZE sync_listing, sync_seen_invalid");
          }),
        vacuumMirror: () =>
          onPooledClient(pool, async (other) => {
            let skipped = false;
            const onNotice = (notice: { severity?: string; message?: string }) => {
              skipped ||= notice.severity === "WARNING" && /skipping/.test(notice.message ?? "");
            };
            other.on("notice", onNotice);
            try {
              await other.query("VACUUM (ANALYZE) files, file_versions");
            } finally {
              other.off("notice", onNotice);
            }
            return !skipped;
          }),
        truncateStaging: () =>
          onSession(async () => {
            if (truncateRefused.has(pool)) return false;
            try {
              // One simple query is one implicit transaction: the staging lock (waited for as
              // long as it takes: an apply is reading) is held until the tables are empty.
              await client.query(
                `SELECT pg_advisory_xact_lock(${stagingLockKey}); SET LOCAL lock_timeout = ${truncateLockTimeoutMs}; TRUNCATE sync_listing, sync_seen_invalid`,
              );
              return true;
            } catch (error) {
              const code = (error as { code?: string }).code;
              if (code === "42501") truncateRefused.add(pool);
              if (code === "42501" || code === "55P03") return false;
              throw error;
            }
          }),
        emptyOtherRuns: (runId) => onPooledClient(pool, (other) => deleteOtherRuns(other, runId)),
        // One simple query is one implicit transaction: the lock is held until both are empty.
        // On a failed connection it would only wait for a timeout; the next run empties them.
        emptyStaging: () =>
          onSession(async () => {
            if (broken) return;
            await client.query(
              `SELECT pg_advisory_xact_lock(${stagingLockKey}); DELETE FROM sync_listing; DELETE FROM sync_seen_invalid`,
            );
          }),
      });
    } finally {
      if (!broken)
        await client.query("SELECT pg_advisory_unlock($1)", [syncLockKey]).catch(() => {});
    }
  } finally {
    client.off("error", onClientError);
    // A broken connection is destroyed rather than returned to the pool (its lock dies with it).
    client.release(broken ? true : undefined);
  }
}

/**
 * Runs `work` on another connection of the pool. As for the session, a connection dying while
 * checked out emits `error` on the client, which would end the process without a listener (the
 * failing query reports it); a connection whose work failed is closed, not pooled.
 */
async function onPooledClient<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  const onClientError = () => {
    failed = true;
  };
  client.on("error", onClientError);
  try {
    return await work(client);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    client.off("error", onClientError);
    client.release(failed ? true : undefined);
  }
}

/** See SyncSession.emptyOtherRuns. Under the staging lock, so no apply's rows go from under it. */
async function deleteOtherRuns(client: pg.PoolClient, runId: number): Promise<void> {
  await client.query("BEGIN");
  // On failure no ROLLBACK: on a dead or blackholed network it would wait out another query
  // timeout. Closing the connection (onPooledClient) ends the transaction on the server just the same.
  await client.query("SELECT pg_advisory_xact_lock($1)", [stagingLockKey]);
  await client.query("DELETE FROM sync_listing WHERE run_id <> $1", [runId]);
  await client.query("DELETE FROM sync_seen_invalid WHERE run_id <> $1", [runId]);
  await client.query("COMMIT");
}

/** Errors that mean a connection is gone (a session's lock with it), or its network is. */
export function isConnectionError(error: Error): boolean {
  const code = (error as { code?: string }).code ?? "";
  return (
    /^(57P0[1-3]|08)/.test(code) ||
    /Connection terminated|ECONNRESET|EPIPE|Client has encountered a connection error|Query read timeout/i.test(
      error.message,
    )
  );
}
