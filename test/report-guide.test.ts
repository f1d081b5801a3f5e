import { beforeAll, describe, expect, it } from "vitest";
import { readGuideQueries } from "./helpers/report-guide-queries.js";
import {
  timelineFiles as f,
  type ReportTimeline,
  seedReportTimeline,
  utcDay,
  utcDayName,
} from "./helpers/report-timeline.js";
import { type SyncScenario, startSyncScenario } from "./helpers/sync-scenario.js";

type Row = Record<string, unknown>;

/** pg_size_pretty of a small size. */
const size = (n: number) => `${n} bytes`;

/**
 * What each example of the guide returns on the standard timeline (see report-timeline.ts).
 * Examples whose answer the timeline does not pin down are only required to run.
 */
const expectations: Record<string, (rows: Row[], timeline: ReportTimeline) => void> = {
  "Storage held by purpose at the end of each of the last 14 days": (rows) => {
    expect(rows).toHaveLength(10);
    expect(rows.slice(0, 4)).toEqual([
      {
        day: utcDayName(-4),
        purpose: "batch",
        files: 2,
        size: size(3000),
        created: 2,
        disappeared: 0,
        expired: 0,
      },
      {
        day: utcDayName(-4),
        purpose: "batch_output",
        files: 1,
        size: size(5000),
        created: 1,
        disappeared: 0,
        expired: 0,
      },
      {
        day: utcDayName(-3),
        purpose: "batch",
        files: 3,
        size: size(6500),
        created: 1,
        disappeared: 0,
        expired: 0,
      },
      {
        day: utcDayName(-3),
        purpose: "batch_output",
        files: 2,
        size: size(9000),
        created: 1,
        disappeared: 0,
        expired: 0,
      },
    ]);
    expect(rows[5]).toMatchObject({
      purpose: "batch_output",
      files: 0,
      disappeared: 2,
      expired: 1,
    });
  },
  "What the account holds right now, by purpose": (rows) => {
    expect(rows).toEqual([
      {
        purpose: "batch",
        files: 3,
        size: size(6500),
        oldest: utcDay(-4, 9),
        expiring_within_24h: 0,
      },
    ]);
  },
  "Files deleted before they expired": (rows) => {
    expect(rows).toMatchObject([
      { id: f.e, disappeared_at: utcDay(-2, 10), expires_at: utcDay(30) },
    ]);
  },
  "How long batch outputs live, from creation to disappearance": (rows) => {
    expect(rows.map((r) => [r.disappeared_reason, r.files])).toEqual([
      ["deleted", 1],
      ["expired", 1],
    ]);
  },
  "Which sync runs failed in the last 7 days, and why": (rows) => {
    expect(rows).toMatchObject([{ error_code: "auth", runs: 1, first: utcDay(-3, 16) }]);
    expect(rows[0]!.latest_error).toContain("rejected the API key");
  },
  "Runs that started more than two hours after the run before them": (rows, timeline) => {
    expect(rows.map((r) => r.id)).toEqual(timeline.runs.slice(1, 7).reverse());
  },
  "Files that flapped: disappeared and then came back": (rows) => {
    expect(rows).toMatchObject([
      { file_id: f.b, reappearances: 1, last_reappeared_at: utcDay(-1, 10), status_now: "active" },
    ]);
  },
  "Which fields changed in the last 24 hours, and how often": (rows) => {
    expect(rows).toEqual([{ field: "filename", changes: 1, files: 1 }]);
  },
  "Files missing from the latest listings that are not marked disappeared yet": (rows) => {
    expect(rows).toEqual([]);
  },
  "The ten biggest files held now": (rows) => {
    expect(rows.map((r) => r.id)).toEqual([f.d, f.b, f.a]);
  },
  "Every version of one file, and what changed": (rows) => {
    expect(rows).toMatchObject([
      { version: 1, change: "created", previous_bytes: null, bytes: 1000 },
      {
        version: 2,
        change: "updated",
        changed_fields: ["bytes"],
        previous_bytes: 1000,
        bytes: 1500,
      },
    ]);
  },
  "One file as it was at midnight UTC three days ago (time travel)": (rows) => {
    expect(rows).toMatchObject([{ file_id: f.a, version: 1, bytes: 1000 }]);
  },
  "Outbox events written per UTC day and type, last 7 days": (rows) => {
    const disappeared = rows.filter((r) => r.type === "file.disappeared");
    expect(disappeared.map((r) => r.events)).toEqual([3]);
    expect(rows).toContainEqual({ day: utcDayName(-1), type: "file.reappeared", events: 1 });
  },
};

/**
 * Sums of bigint come back from pg as numeric text, and a date as a Date at local midnight:
 * compare them as numbers and as `2026-11-27` (how utcDayName names a day).
 */
function normalize(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => {
      if (typeof value === "string" && /^-?\d+$/.test(value)) return [key, Number(value)];
      if (key === "day" && value instanceof Date) {
        const pad = (n: number) => String(n).padStart(2, "0");
        return [key, `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`];
      }
      return [key, value];
    }),
  );
}

describe("docs/reporting.md example queries", () => {
  const queries = readGuideQueries();
  let s: SyncScenario;
  let timeline: ReportTimeline;
  beforeAll(async () => {
    s = await startSyncScenario();
    timeline = await seedReportTimeline(s);
    // One change within the last 24 hours (the timeline's own changes are days old).
    s.simulator.store.update(f.d, { filename: "input_d_renamed.jsonl" });
    timeline.runs.push((await s.sync()).runId);
  });

  it("has at least eight examples, each expected result matching an example in the guide", () => {
    expect(queries.length).toBeGreaterThanOrEqual(8);
    const titles = queries.map((q) => q.title);
    expect(new Set(titles).size).toBe(titles.length);
    for (const title of Object.keys(expectations)) expect(titles).toContain(title);
  });

  it.each(queries.map((q) => [q.title, q.sql] as const))("runs: %s", async (title, sql) => {
    const rows = await s.db.query(sql);
    expectations[title]?.(rows.map(normalize), timeline);
  });
});
