import { beforeAll, describe, expect, it } from "vitest";
import {
  timelineFiles as f,
  type ReportTimeline,
  seedReportTimeline,
  utcDay,
} from "./helpers/report-timeline.js";
import { type SyncScenario, startSyncScenario } from "./helpers/sync-scenario.js";

const hourMs = 3_600_000;
const ms = (interval: unknown) => Number(interval);

describe("reporting views over a multi-day timeline of real sync runs", () => {
  let s: SyncScenario;
  let timeline: ReportTimeline;
  let latestRunStart: Date;
  beforeAll(async () => {
    s = await startSyncScenario();
    timeline = await seedReportTimeline(s);
    const [run] = await s.db.query<{ started_at: Date }>(
      "SELECT started_at FROM sync_runs WHERE id = $1",
      [timeline.runs.at(-1)],
    );
    latestRunStart = run!.started_at;
  });

  const overview = async (id: string) =>
    (
      await s.db.query(
        `SELECT *, extract(epoch FROM lifetime) * 1000 AS lifetime_ms,
                extract(epoch FROM time_to_expiry) * 1000 AS time_to_expiry_ms
           FROM file_overview WHERE id = $1`,
        [id],
      )
    )[0]!;

  it("file_overview shows one row per file with its status, version and first seen time", async () => {
    const rows = await s.db.query(
      "SELECT id, status, version, first_seen_at FROM file_overview ORDER BY id",
    );
    expect(rows).toEqual([
      { id: f.a, status: "active", version: 2, first_seen_at: utcDay(-4, 10) },
      { id: f.b, status: "active", version: 3, first_seen_at: utcDay(-4, 10) },
      { id: f.c, status: "disappeared", version: 2, first_seen_at: utcDay(-4, 10) },
      { id: f.d, status: "active", version: 1, first_seen_at: utcDay(-3, 10) },
      { id: f.e, status: "disappeared", version: 2, first_seen_at: utcDay(-3, 10) },
    ]);
  });

  it("file_overview gives a listed file the latest applied run as last seen, though its row was last written days ago", async () => {
    const [row] = await s.db.query<{ last_seen_at: Date }>(
      "SELECT last_seen_at FROM files WHERE id = $1",
      [f.d],
    );
    expect(row!.last_seen_at).toEqual(utcDay(-3, 10));
    expect((await overview(f.d)).last_seen_at).toEqual(latestRunStart);
    expect((await overview(f.a)).last_seen_at).toEqual(latestRunStart);
  });

  it("file_overview keeps the last listing that included a disappeared file, skipping the failed run", async () => {
    const c = await overview(f.c);
    expect(c).toMatchObject({
      last_seen_at: utcDay(-2, 10),
      disappeared_at: utcDay(-2, 14),
      disappeared_reason: "expired",
    });
    const e = await overview(f.e);
    expect(e).toMatchObject({
      last_seen_at: utcDay(-3, 10),
      disappeared_at: utcDay(-2, 10),
      disappeared_reason: "deleted",
    });
  });

  it("file_overview measures lifetime from created_at to disappeared_at, or to now while active", async () => {
    expect(ms((await overview(f.c)).lifetime_ms)).toBe(
      utcDay(-2, 14).getTime() - utcDay(-4, 9).getTime(),
    );
    const a = await overview(f.a);
    const expected = Date.now() - utcDay(-4, 9).getTime();
    expect(Math.abs(ms(a.lifetime_ms) - expected)).toBeLessThan(60_000);
  });

  it("file_history lists every version with its validity interval and what changed", async () => {
    const rows = await s.db.query(
      `SELECT file_id, version, change, status, valid_from, valid_to, is_current, changed_fields,
              bytes, previous_bytes, disappeared_reason
         FROM file_history WHERE file_id IN ($1, $2) ORDER BY file_id, version`,
      [f.a, f.b],
    );
    expect(rows).toEqual([
      {
        file_id: f.a,
        version: 1,
        change: "created",
        status: "active",
        valid_from: utcDay(-4, 10),
        valid_to: utcDay(-3, 10),
        is_current: false,
        changed_fields: [],
        bytes: 1000,
        previous_bytes: null,
        disappeared_reason: null,
      },
      {
        file_id: f.a,
        version: 2,
        change: "updated",
        status: "active",
        valid_from: utcDay(-3, 10),
        valid_to: null,
        is_current: true,
        changed_fields: ["bytes"],
        bytes: 1500,
        previous_bytes: 1000,
        disappeared_reason: null,
      },
      {
        file_id: f.b,
        version: 1,
        change: "created",
        status: "active",
        valid_from: utcDay(-4, 10),
        valid_to: utcDay(-2, 10),
        is_current: false,
        changed_fields: [],
        bytes: 2000,
        previous_bytes: null,
        disappeared_reason: null,
      },
      {
        file_id: f.b,
        version: 2,
        change: "disappeared",
        status: "disappeared",
        valid_from: utcDay(-2, 10),
        valid_to: utcDay(-1, 10),
        is_current: false,
        changed_fields: [],
        bytes: 2000,
        previous_bytes: 2000,
        disappeared_reason: "deleted",
      },
      {
        file_id: f.b,
        version: 3,
        change: "reappeared",
        status: "active",
        valid_from: utcDay(-1, 10),
        valid_to: null,
        is_current: true,
        changed_fields: [],
        bytes: 2000,
        previous_bytes: 2000,
        disappeared_reason: null,
      },
    ]);
  });

  it("file_history gives how long each version held, to now for the current one", async () => {
    const rows = await s.db.query<{ version: number; valid_for_ms: string }>(
      `SELECT version, extract(epoch FROM valid_for) * 1000 AS valid_for_ms
         FROM file_history WHERE file_id = $1 ORDER BY version`,
      [f.b],
    );
    expect(ms(rows[0]!.valid_for_ms)).toBe(48 * hourMs);
    expect(ms(rows[1]!.valid_for_ms)).toBe(24 * hourMs);
    expect(ms(rows[2]!.valid_for_ms)).toBeGreaterThan(
      Date.now() - utcDay(-1, 10).getTime() - 60_000,
    );
  });

  it("sync_run_summary shows every run's outcome, counts and the gap since the run before", async () => {
    const rows = await s.db.query(
      `SELECT id, status, applied, outcome, files_seen, created, updated, disappeared, reappeared,
              changes, error_code, previous_run_id,
              extract(epoch FROM gap_since_previous) / 3600 AS gap_hours
         FROM sync_run_summary WHERE id <= $1 ORDER BY started_at`,
      [timeline.runs[5]],
    );
    const [r1, r2, r3, r4, r5, r6] = timeline.runs;
    // id, status, applied, outcome, seen, created, updated, disappeared, reappeared, changes,
    // error_code, previous run, gap in hours
    expect(
      rows.map((r) => [
        ...Object.values(r).slice(0, -1),
        r.gap_hours === null ? null : Number(r.gap_hours),
      ]),
    ).toEqual([
      [r1, "succeeded", true, "succeeded", 3, 3, 0, 0, 0, 3, null, null, null],
      [r2, "succeeded", true, "succeeded", 5, 2, 1, 0, 0, 3, null, r1, 24],
      [r3, "failed", false, "failed: auth", 0, 0, 0, 0, 0, 0, "auth", r2, 6],
      [r4, "succeeded", true, "succeeded", 3, 0, 0, 2, 0, 2, null, r3, 18],
      [r5, "succeeded", true, "succeeded", 2, 0, 0, 1, 0, 1, null, r4, 4],
      [r6, "succeeded", true, "succeeded", 3, 0, 0, 0, 1, 1, null, r5, 20],
    ]);
  });

  it("sync_run_summary gives each run's duration as an interval matching duration_ms", async () => {
    const rows = await s.db.query<{ same: boolean }>(
      "SELECT duration = duration_ms * interval '1 millisecond' AS same FROM sync_run_summary",
    );
    expect(rows.length).toBeGreaterThanOrEqual(7);
    expect(rows.every((r) => r.same)).toBe(true);
  });

  // Last: it adds a run, which moves every listed file's last seen time.
  it("file_overview gives time to expiry for active files only", async () => {
    const expiresAt = new Date(Date.now() + 30 * hourMs);
    s.simulator.store.add({
      id: "file-f6000000000000000000000f",
      purpose: "batch_output",
      expires_at: Math.floor(expiresAt.getTime() / 1000),
    });
    await s.sync();
    const ttl = ms((await overview("file-f6000000000000000000000f")).time_to_expiry_ms);
    expect(Math.abs(ttl - (expiresAt.getTime() - Date.now()))).toBeLessThan(60_000);
    expect((await overview(f.a)).time_to_expiry_ms).toBeNull();
    expect((await overview(f.c)).time_to_expiry_ms).toBeNull();
  });
});
