import { syncLockKey } from "../../src/db/sync-session.js";
import type { TestDatabase } from "./test-database.js";

type Db = Pick<TestDatabase, "query">;

// A bigint advisory key shows in pg_locks as classid (high 32 bits), objid (low 32), objsubid 1.
// Matching the key, not any advisory lock, matters: while the listing downloads, another pooled
// connection of the same run briefly holds the staging lock to delete the previous run's rows.
const holdersOfSyncLock = `
  FROM pg_locks l JOIN pg_database d ON d.oid = l.database
 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
   AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint
   AND d.datname = current_database()`;

/** Terminates the backend holding the sync lock (the run's own session); returns how many. */
export async function terminateSyncSession(db: Db): Promise<number> {
  const rows = await db.query(`SELECT pg_terminate_backend(l.pid) ${holdersOfSyncLock}`, [
    syncLockKey,
  ]);
  return rows.length;
}
