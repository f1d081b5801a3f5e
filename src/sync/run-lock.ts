import type pg from "pg";

/** Advisory lock key held by the one process that is syncing ("NFSsync"). */
const syncLockKey = 0x4e4653_73796e;

/**
 * Takes the sync lock on this session without waiting. It is a session lock: a process that dies
 * loses its connection and so the lock, and the next run can go ahead.
 */
export async function tryTakeSyncLock(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ taken: boolean }>(
    "SELECT pg_try_advisory_lock($1) AS taken",
    [syncLockKey],
  );
  return rows[0]?.taken === true;
}

export async function releaseSyncLock(client: pg.ClientBase): Promise<void> {
  await client.query("SELECT pg_advisory_unlock($1)", [syncLockKey]);
}
