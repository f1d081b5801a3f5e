import { beforeAll, describe, expect, it } from "vitest";
import { rollUpClosedDays } from "../src/db/tables/file-daily-rollup.js";
import { listDailyStats } from "../src/report/list-daily-stats.js";
import { onCleanup } from "./helpers/cleanup.js";
import { connectDatabase } from "./helpers/connect-database.js";
import { useTestRoles } from "./helpers/reliability-roles.js";
import { seedReportTimeline, syncAt, utcDay, utcDayName } from "./helpers/report-timeline.js";
import { type SyncScenario, startSyncScenario } from "./helpers/sync-scenario.js";

const allStats =
  "SELECT day::text AS day, purpose, files, bytes, created, reappeared, disappeared, expired, deleted FROM file_daily_stats ORDER BY day, purpose";

/** Empties the rollup, so the view computes every day from the versions again. */
async function forgetRollup(s: SyncScenario): Promise<void> {
  await s.db.query("DELETE FROM file_daily_rollup");
  await s.db.query("UPDATE file_daily_rollup_state SET rolled_through = NULL");
}

describe("the rollup behind file_daily_stats", () => {
  let s: SyncScenario;
  let fromScratch: unknown[];
  beforeAll(async () => {
    s = await startSyncScenario();
    await seedReportTimeline(s);
    await forgetRollup(s);
    fromScratch = await s.db.query(allStats);
  });

  it("gives the same figures as the computation from all versions once the closed days are rolled up", async () => {
    await forgetRollup(s);
    const result = await rollUpClosedDays(s.db.prisma);
    expect(result.rolledThrough).toBe(utcDayName(-1));
    expect(result.rows).toBeGreaterThan(0);
    expect(await s.db.query(allStats)).toEqual(fromScratch);
  });

  it("rolls up nothing when called again the same day", async () => {
    await rollUpClosedDays(s.db.prisma);
    const count = async () =>
      (await s.db.query<{ n: number }>("SELECT count(*)::int AS n FROM file_daily_rollup"))[0]!.n;
    const before = await count();
    expect(await rollUpClosedDays(s.db.prisma)).toEqual({ rolledThrough: utcDayName(-1), rows: 0 });
    expect(await count()).toBe(before);
  });

  it("stops before the day a still-running sync started, and takes that day once the run is over", async () => {
    await forgetRollup(s);
    // A run started late two days ago and still applying dates its versions on that day.
    const [run] = await s.db.query<{ id: number }>(
      "INSERT INTO sync_runs (trigger, status, started_at) VALUES ('cron', 'running', $1) RETURNING id",
      [utcDay(-2, 23)],
    );
    expect((await rollUpClosedDays(s.db.prisma)).rolledThrough).toBe(utcDayName(-3));
    // Half rolled up, half computed live: still the same answers.
    expect(await s.db.query(allStats)).toEqual(fromScratch);
    await s.db.query("UPDATE sync_runs SET status = 'failed', finished_at = now() WHERE id = $1", [
      run!.id,
    ]);
    expect((await rollUpClosedDays(s.db.prisma)).rolledThrough).toBe(utcDayName(-1));
    expect(await s.db.query(allStats)).toEqual(fromScratch);
  });
});

const roles = useTestRoles();

describe("report stats on a role that may only read", () => {
  it("gets the same figures, computed live, when it may not write the rollup", async () => {
    const s = await startSyncScenario();
    await seedReportTimeline(s);
    await forgetRollup(s);
    const reader = await roles.create("nfs_reader");
    await s.db.query(`GRANT CONNECT ON DATABASE ${s.db.name} TO ${reader.name}`);
    await s.db.query(`GRANT USAGE ON SCHEMA public TO ${reader.name}`);
    await s.db.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${reader.name}`);
    const { prisma, close } = connectDatabase(reader.urlFor(s.db.url), 2);
    onCleanup(close);
    await expect(rollUpClosedDays(prisma)).rejects.toThrow(/permission denied/i);
    const asReader = await listDailyStats(prisma, { days: 30 });
    const asOwner = await listDailyStats(s.db.prisma, { days: 30 });
    expect(asReader.stats.length).toBeGreaterThan(0);
    expect(asReader).toEqual(asOwner);
  });
});

describe("file_daily_stats after the rollup", () => {
  it("counts today's changes live on top of the rolled-up days", async () => {
    const s = await startSyncScenario();
    const id = "file-0c0c0c0c0c0c0c0c0c0c0c0c";
    s.simulator.store.add({ id, purpose: "batch", bytes: 100 });
    await syncAt(s, utcDay(-2, 9));
    expect((await rollUpClosedDays(s.db.prisma)).rolledThrough).toBe(utcDayName(-1));
    s.simulator.store.update(id, { bytes: 250 });
    s.simulator.store.add({ purpose: "batch", bytes: 50 });
    await syncAt(s, new Date(Math.max(utcDay(0, 0).getTime() + 1000, Date.now() - 1000)));
    const rows = await s.db.query<{ day: string; files: number; bytes: number; created: number }>(
      "SELECT day::text AS day, files, bytes, created FROM file_daily_stats ORDER BY day",
    );
    expect(rows.map((r) => [r.day, r.files, r.bytes, r.created])).toEqual([
      [utcDayName(-2), 1, 100, 1],
      [utcDayName(-1), 1, 100, 0],
      [utcDayName(0), 2, 300, 1],
    ]);
  });

  it("misses a version backdated into a rolled-up day until that day is rolled up again", async () => {
    const s = await startSyncScenario();
    s.simulator.store.add({ purpose: "batch", bytes: 100 });
    await syncAt(s, utcDay(-3, 9));
    await rollUpClosedDays(s.db.prisma);
    // Written by hand with a time two days ago: no sync writes into a closed day.
    await s.db.query("UPDATE file_versions SET valid_from = $1", [utcDay(-2, 9)]);
    const createdOn = async (offset: number) =>
      (
        await s.db.query<{ created: number }>(
          "SELECT created FROM file_daily_stats WHERE day = $1::date",
          [utcDayName(offset)],
        )
      )[0]?.created;
    expect(await createdOn(-2)).toBe(0);
    // The remedy in docs/reporting.md: forget the rollup from the changed day on.
    await s.db.query("DELETE FROM file_daily_rollup WHERE day >= $1::date", [utcDayName(-3)]);
    await s.db.query("UPDATE file_daily_rollup_state SET rolled_through = $1::date - 1", [
      utcDayName(-3),
    ]);
    expect(await createdOn(-2)).toBe(1);
    await rollUpClosedDays(s.db.prisma);
    expect(await createdOn(-2)).toBe(1);
  });
});
