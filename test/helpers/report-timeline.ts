import type { SyncOutcome } from "../../src/sync/sync-once.js";
import type { SyncScenario } from "./sync-scenario.js";

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** Midnight UTC of today plus `dayOffset` days and `hour` hours. */
export function utcDay(dayOffset: number, hour = 0): Date {
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today + dayOffset * dayMs + hour * hourMs);
}

/** `2026-11-27` for utcDay(dayOffset): how file_daily_stats names a day. */
export function utcDayName(dayOffset: number): string {
  return utcDay(dayOffset).toISOString().slice(0, 10);
}

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Runs one real sync, then moves everything that run wrote to `at`, as if it had run then. Every
 * row a run writes carries its sync_runs.started_at (valid_from, valid_to of the versions it
 * closed, files.*_at, events.occurred_at), so the shift finds them by that value. Runs must be
 * moved in order: `at` must be later than every earlier run.
 */
export async function syncAt(
  s: SyncScenario,
  at: Date,
  options: Parameters<SyncScenario["sync"]>[0] = {},
): Promise<SyncOutcome> {
  const [latest] = await s.db.query<{ t: Date | null }>(
    "SELECT max(started_at) AS t FROM sync_runs",
  );
  if (latest?.t != null && latest.t >= at) {
    throw new Error(
      `syncAt(${at.toISOString()}) is not after the latest run (${latest.t.toISOString()})`,
    );
  }
  const outcome = await s.sync(options);
  const client = await s.db.pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ started_at: Date }>(
      "SELECT started_at FROM sync_runs WHERE id = $1",
      [outcome.runId],
    );
    const from = rows[0]!.started_at;
    await client.query(
      `UPDATE sync_runs SET started_at = $2, finished_at = finished_at + ($2 - started_at)
        WHERE id = $1`,
      [outcome.runId, at],
    );
    await client.query("UPDATE file_versions SET valid_from = $2 WHERE valid_from = $1", [
      from,
      at,
    ]);
    await client.query("UPDATE file_versions SET valid_to = $2 WHERE valid_to = $1", [from, at]);
    for (const column of ["first_seen_at", "last_changed_at", "disappeared_at", "last_seen_at"]) {
      await client.query(`UPDATE files SET ${column} = $2 WHERE ${column} = $1`, [from, at]);
    }
    await client.query("UPDATE events SET occurred_at = $2 WHERE sync_run_id = $1", [
      outcome.runId,
      at,
    ]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
  return outcome;
}

/** The files of the standard reporting timeline (ids look like Novita's). */
export const timelineFiles = {
  /** batch, 1000 B, grows to 1500 B on day -3. docs/reporting.md uses this id. */
  a: "file-a1d0c6e83f027327d8461063",
  /** batch, 2000 B: deleted on day -2, listed again on day -1 (it flapped). */
  b: "file-b2e5c0f1a9d84c7e6b3a2f10",
  /** batch_output, 5000 B, expires day -2 12:00: gone (expired) in the 14:00 run of day -2. */
  c: "file-c3f9a8b7d6e5c4b3a2918070",
  /** batch, 3000 B, first listed on day -3. */
  d: "file-d4a3b2c1e0f9a8b7c6d5e4f3",
  /** batch_output, 4000 B, first listed on day -3, deleted on day -2 long before its expiry. */
  e: "file-e5b4c3d2a1f0e9d8c7b6a5f4",
} as const;

export interface ReportTimeline {
  /** Run ids in order: 1 and 2 applied, 3 failed (auth), 4 to 7 applied; 7 ran now. */
  runs: number[];
}

/**
 * The standard timeline the report tests assert against (days are UTC days relative to today):
 *   day -4 10:00  run 1 (bootstrap): a (batch 1000 B), b (batch 2000 B), c (batch_output 5000 B)
 *   day -3 10:00  run 2: d (batch 3000 B) and e (batch_output 4000 B) appear; a grows to 1500 B
 *   day -3 16:00  run 3: fails, the API rejects the key (error_code auth)
 *   day -2 10:00  run 4: b and e are gone (deleted)
 *   day -2 14:00  run 5: c is gone (expired at 12:00)
 *   day -1 10:00  run 6: b is listed again (reappeared)
 *   now           run 7: nothing changes
 */
export async function seedReportTimeline(s: SyncScenario): Promise<ReportTimeline> {
  const { store } = s.simulator;
  const f = timelineFiles;
  const fileB = {
    id: f.b,
    filename: "input_b.jsonl",
    purpose: "batch",
    bytes: 2000,
    created_at: unixSeconds(utcDay(-4, 9)),
  };
  store.add({
    id: f.a,
    filename: "input_a.jsonl",
    purpose: "batch",
    bytes: 1000,
    created_at: unixSeconds(utcDay(-4, 9)),
  });
  store.add(fileB);
  store.add({
    id: f.c,
    filename: "output_c.jsonl",
    purpose: "batch_output",
    bytes: 5000,
    created_at: unixSeconds(utcDay(-4, 9)),
    expires_at: unixSeconds(utcDay(-2, 12)),
  });
  const runs: number[] = [];
  runs.push((await syncAt(s, utcDay(-4, 10))).runId);

  store.add({
    id: f.d,
    filename: "input_d.jsonl",
    purpose: "batch",
    bytes: 3000,
    created_at: unixSeconds(utcDay(-3, 9)),
  });
  store.add({
    id: f.e,
    filename: "output_e.jsonl",
    purpose: "batch_output",
    bytes: 4000,
    created_at: unixSeconds(utcDay(-3, 9)),
    expires_at: unixSeconds(utcDay(30)),
  });
  store.update(f.a, { bytes: 1500 });
  runs.push((await syncAt(s, utcDay(-3, 10))).runId);

  s.simulator.faults.always({ kind: "status", status: 401 });
  const failed = await syncAt(s, utcDay(-3, 16));
  s.simulator.faults.clear();
  runs.push(failed.runId);

  store.remove(f.b);
  store.remove(f.e);
  runs.push((await syncAt(s, utcDay(-2, 10))).runId);

  store.remove(f.c);
  runs.push((await syncAt(s, utcDay(-2, 14))).runId);

  store.add(fileB);
  runs.push((await syncAt(s, utcDay(-1, 10))).runId);

  runs.push((await s.sync()).runId);
  return { runs };
}
