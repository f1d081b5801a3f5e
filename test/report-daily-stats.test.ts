import { beforeAll, describe, expect, it } from "vitest";
import { seedReportTimeline, syncAt, utcDay, utcDayName } from "./helpers/report-timeline.js";
import { type SyncScenario, startSyncScenario } from "./helpers/sync-scenario.js";

interface StatRow {
  day: string;
  purpose: string;
  files: number;
  bytes: number;
  created: number;
  reappeared: number;
  disappeared: number;
  expired: number;
  deleted: number;
}

const zero = { created: 0, reappeared: 0, disappeared: 0, expired: 0, deleted: 0 };

async function dailyStats(s: SyncScenario): Promise<StatRow[]> {
  return s.db.query<StatRow>(
    "SELECT day::text AS day, purpose, files, bytes, created, reappeared, disappeared, expired, deleted FROM file_daily_stats ORDER BY day, purpose",
  );
}

describe("file_daily_stats over the standard timeline", () => {
  let s: SyncScenario;
  let rows: StatRow[];
  beforeAll(async () => {
    s = await startSyncScenario();
    await seedReportTimeline(s);
    rows = await dailyStats(s);
  });

  const at = (dayOffset: number, purpose: string) =>
    rows.find((r) => r.day === utcDayName(dayOffset) && r.purpose === purpose);

  it("has one row per purpose for every UTC day from the first version's day to today", () => {
    const days = [-4, -3, -2, -1, 0].map(utcDayName);
    expect(rows.map((r) => `${r.day} ${r.purpose}`)).toEqual(
      days.flatMap((d) => [`${d} batch`, `${d} batch_output`]),
    );
  });

  it("counts files and bytes held at the end of each day, from the versions valid then", () => {
    expect(rows.map((r) => [r.day, r.purpose, r.files, r.bytes])).toEqual([
      [utcDayName(-4), "batch", 2, 3000],
      [utcDayName(-4), "batch_output", 1, 5000],
      [utcDayName(-3), "batch", 3, 6500],
      [utcDayName(-3), "batch_output", 2, 9000],
      [utcDayName(-2), "batch", 2, 4500],
      [utcDayName(-2), "batch_output", 0, 0],
      [utcDayName(-1), "batch", 3, 6500],
      [utcDayName(-1), "batch_output", 0, 0],
      [utcDayName(0), "batch", 3, 6500],
      [utcDayName(0), "batch_output", 0, 0],
    ]);
  });

  it("counts files created, disappeared (expired or deleted) and reappeared on the day it happened", () => {
    expect(at(-4, "batch")).toMatchObject({ ...zero, created: 2 });
    expect(at(-4, "batch_output")).toMatchObject({ ...zero, created: 1 });
    expect(at(-3, "batch")).toMatchObject({ ...zero, created: 1 });
    expect(at(-3, "batch_output")).toMatchObject({ ...zero, created: 1 });
    expect(at(-2, "batch")).toMatchObject({ ...zero, disappeared: 1, deleted: 1 });
    expect(at(-2, "batch_output")).toMatchObject({
      ...zero,
      disappeared: 2,
      expired: 1,
      deleted: 1,
    });
    expect(at(-1, "batch")).toMatchObject({ ...zero, reappeared: 1 });
    expect(at(0, "batch")).toMatchObject(zero);
  });

  it("agrees with a brute-force point-in-time count at every day's end", async () => {
    const brute = await s.db.query<{ day: string; purpose: string; files: number; bytes: number }>(
      `SELECT d::date::text AS day, v.purpose, count(*)::int AS files, sum(v.bytes)::bigint AS bytes
         FROM generate_series($1::date, $2::date, interval '1 day') d
         JOIN file_versions v ON v.status = 'active'
          AND v.valid_from < (d::date + 1)::timestamp AT TIME ZONE 'UTC'
          AND (v.valid_to IS NULL OR v.valid_to >= (d::date + 1)::timestamp AT TIME ZONE 'UTC')
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [utcDayName(-4), utcDayName(-1)],
    );
    const held = rows.filter((r) => r.files > 0 && r.day < utcDayName(0));
    expect(held.map(({ day, purpose, files, bytes }) => ({ day, purpose, files, bytes }))).toEqual(
      brute,
    );
  });
});

describe("file_daily_stats at day boundaries", () => {
  it("counts a file changed every few hours once per day, with the size it had at midnight UTC", async () => {
    const s = await startSyncScenario();
    const id = "file-0a0a0a0a0a0a0a0a0a0a0a0a";
    s.simulator.store.add({ id, purpose: "batch", bytes: 100 });
    await syncAt(s, utcDay(-2, 1));
    for (const [hour, bytes] of [
      [7, 200],
      [13, 300],
      [19, 400],
      [25, 500],
      [31, 600],
    ] as const) {
      s.simulator.store.update(id, { bytes });
      await syncAt(s, utcDay(-2, hour));
    }
    const rows = await dailyStats(s);
    expect(rows.map((r) => [r.day, r.files, r.bytes, r.created])).toEqual([
      [utcDayName(-2), 1, 400, 1],
      [utcDayName(-1), 1, 600, 0],
      [utcDayName(0), 1, 600, 0],
    ]);
  });

  it("counts a version that starts exactly at midnight UTC in the new day, not the old one", async () => {
    const s = await startSyncScenario();
    const id = "file-0b0b0b0b0b0b0b0b0b0b0b0b";
    s.simulator.store.add({ id, purpose: "batch", bytes: 100 });
    await syncAt(s, utcDay(-2, 12));
    s.simulator.store.remove(id);
    await syncAt(s, utcDay(-1, 0));
    const rows = await dailyStats(s);
    expect(rows.map((r) => [r.day, r.files, r.disappeared])).toEqual([
      [utcDayName(-2), 1, 0],
      [utcDayName(-1), 0, 1],
      [utcDayName(0), 0, 0],
    ]);
  });

  it("is empty before the first sync", async () => {
    const s = await startSyncScenario();
    expect(await dailyStats(s)).toEqual([]);
  });
});
