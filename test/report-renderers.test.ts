import { beforeAll, describe, expect, it } from "vitest";
import { getFileHistory } from "../src/report/get-file-history.js";
import { listDailyStats } from "../src/report/list-daily-stats.js";
import { listDisappearedFiles } from "../src/report/list-disappeared-files.js";
import { listRecentRuns } from "../src/report/list-recent-runs.js";
import {
  renderDisappearedJson,
  renderDisappearedTable,
} from "../src/report/render-disappeared-report.js";
import { renderHistoryJson, renderHistoryTable } from "../src/report/render-history-report.js";
import { renderRunsJson, renderRunsTable } from "../src/report/render-runs-report.js";
import { renderStatsJson, renderStatsTable } from "../src/report/render-stats-report.js";
import {
  timelineFiles as f,
  type ReportTimeline,
  seedReportTimeline,
  utcDay,
  utcDayName,
} from "./helpers/report-timeline.js";
import { type SyncScenario, startSyncScenario } from "./helpers/sync-scenario.js";

const utc = (date: Date) => date.toISOString().replace("T", " ").slice(0, 19);

/** The table's lines, each with runs of spaces squeezed to one, to compare cells not widths. */
const cells = (table: string) => table.split("\n").map((line) => line.replace(/ {2,}/g, " | "));

/** Every line of a table's body has the same width as its header (columns are aligned). */
function expectAligned(table: string, headerStartsWith: string) {
  const lines = table.trimEnd().split("\n");
  const header = lines.findIndex((line) => line.startsWith(headerStartsWith));
  expect(header).toBeGreaterThanOrEqual(0);
  const starts = (line: string) => [...line.matchAll(/ {2}(?=\S)/g)].length;
  for (const line of lines.slice(header + 1))
    expect(starts(line)).toBeLessThanOrEqual(starts(lines[header]!));
}

describe("report renderers over the standard timeline", () => {
  let s: SyncScenario;
  let timeline: ReportTimeline;
  beforeAll(async () => {
    s = await startSyncScenario();
    timeline = await seedReportTimeline(s);
  });

  it("disappeared: lists each disappearance since the given time with reason, size in KiB and whether it came back", async () => {
    const report = await listDisappearedFiles(s.db.prisma, { since: utcDay(-2) });
    const table = renderDisappearedTable(report);
    expect(cells(table)).toEqual([
      `3 disappearances since ${utc(utcDay(-2))} UTC: 2 deleted, 1 expired`,
      "",
      "DISAPPEARED (UTC) | REASON | SIZE | PURPOSE | LIVED | LAST SEEN (UTC) | NOW | ID | FILENAME",
      `${utc(utcDay(-2, 14))} | expired | 4.9 KiB | batch_output | 2d 5h | ${utc(utcDay(-2, 10))} | gone | ${f.c} | output_c.jsonl`,
      `${utc(utcDay(-2, 10))} | deleted | 2.0 KiB | batch | 2d 1h | - | back | ${f.b} | input_b.jsonl`,
      `${utc(utcDay(-2, 10))} | deleted | 3.9 KiB | batch_output | 1d 1h | ${utc(utcDay(-3, 10))} | gone | ${f.e} | output_e.jsonl`,
      "",
    ]);
    expectAligned(table, "DISAPPEARED");
  });

  it("disappeared: gives scripts raw bytes, milliseconds and ISO times", async () => {
    const report = await listDisappearedFiles(s.db.prisma, { since: utcDay(-2, 12) });
    expect(JSON.parse(renderDisappearedJson(report))).toEqual({
      since: utcDay(-2, 12).toISOString(),
      files: [
        {
          id: f.c,
          filename: "output_c.jsonl",
          purpose: "batch_output",
          bytes: 5000,
          disappeared_at: utcDay(-2, 14).toISOString(),
          reason: "expired",
          created_at: utcDay(-4, 9).toISOString(),
          expires_at: utcDay(-2, 12).toISOString(),
          lifetime_ms: 53 * 3_600_000,
          last_seen_at: utcDay(-2, 10).toISOString(),
          status_now: "disappeared",
        },
      ],
    });
  });

  it("disappeared: says so when nothing disappeared", async () => {
    const report = await listDisappearedFiles(s.db.prisma, { since: utcDay(-1) });
    expect(renderDisappearedTable(report)).toBe(
      `No file disappeared since ${utc(utcDay(-1))} UTC.\n`,
    );
    expect(JSON.parse(renderDisappearedJson(report)).files).toEqual([]);
  });

  it("runs: shows the latest runs first with outcome, duration, counts, gap and error", async () => {
    const report = await listRecentRuns(s.db.prisma, { last: 4 });
    expect(report.runs.map((r) => r.id)).toEqual(timeline.runs.slice(3).reverse());
    const table = renderRunsTable(report);
    const lines = cells(table);
    expect(lines[0]).toBe("Latest 4 runs: 4 succeeded");
    expect(lines[2]).toBe(
      "RUN | STARTED (UTC) | TRIGGER | OUTCOME | TOOK | SEEN | NEW | CHANGED | GONE | BACK | INVALID | GAP | ERROR",
    );
    expect(lines[4]).toMatch(
      new RegExp(
        `^( \\| )?${timeline.runs[5]} \\| ${utc(utcDay(-1, 10))} \\| manual \\| succeeded \\| [^|]+ \\| 3 \\| 0 \\| 0 \\| 0 \\| 1 \\| 0 \\| 20h$`,
      ),
    );
    expect(lines[6]).toMatch(/\| 3 \| 0 \| 0 \| 2 \| 0 \| 0 \| 18h$/);
    expectAligned(table, "RUN");
  });

  it("runs: names a failed run's error code and message, and gives scripts the gap in milliseconds", async () => {
    const report = await listRecentRuns(s.db.prisma, { last: 5 });
    expect(renderRunsTable(report)).toMatch(
      /failed: auth .* 6h {2}Novita API rejected the API key/,
    );
    const json = JSON.parse(renderRunsJson(report));
    expect(json.last).toBe(5);
    expect(json.runs[4]).toMatchObject({
      id: timeline.runs[2],
      status: "failed",
      outcome: "failed: auth",
      error_code: "auth",
      started_at: utcDay(-3, 16).toISOString(),
      gap_since_previous_ms: 6 * 3_600_000,
      files_seen: 0,
    });
    expect(typeof json.runs[4].duration_ms).toBe("number");
  });

  it("history: shows the file now, then each version with its interval and what changed", async () => {
    const report = await getFileHistory(s.db.prisma, f.a);
    const lines = cells(renderHistoryTable(report));
    expect(lines.slice(0, 3)).toEqual([
      `${f.a} | input_a.jsonl`,
      " | batch, 1.5 KiB, active, 2 versions",
      ` | created ${utc(utcDay(-4, 9))} UTC, no expiry`,
    ]);
    expect(lines[3]).toMatch(
      new RegExp(`^ \\| first seen ${utc(utcDay(-4, 10))} UTC, last seen .+ UTC$`),
    );
    expect(lines.slice(5, 7)).toEqual([
      "VERSION | FROM (UTC) | TO (UTC) | FOR | CHANGE | STATUS | SIZE | WHAT CHANGED",
      ` | 1 | ${utc(utcDay(-4, 10))} | ${utc(utcDay(-3, 10))} | 1d | created | active | 1000 B | first seen`,
    ]);
    expect(lines[7]).toMatch(
      new RegExp(
        `^ \\| 2 \\| ${utc(utcDay(-3, 10))} \\| now \\| .+ \\| updated \\| active \\| 1.5 KiB \\| bytes 1000 B → 1.5 KiB$`,
      ),
    );
  });

  it("history: describes a disappearance by its reason and a reappearance as listed again", async () => {
    const table = renderHistoryTable(await getFileHistory(s.db.prisma, f.b));
    expect(cells(table).slice(6)).toEqual([
      ` | 1 | ${utc(utcDay(-4, 10))} | ${utc(utcDay(-2, 10))} | 2d | created | active | 2.0 KiB | first seen`,
      ` | 2 | ${utc(utcDay(-2, 10))} | ${utc(utcDay(-1, 10))} | 1d | disappeared | disappeared | 2.0 KiB | deleted`,
      expect.stringMatching(
        /^ \| 3 \| .+ \| now \| .+ \| reappeared \| active \| 2.0 KiB \| listed again$/,
      ),
      "",
    ]);
  });

  it("history: gives scripts each changed field with raw old and new values", async () => {
    const json = JSON.parse(renderHistoryJson(await getFileHistory(s.db.prisma, f.a)));
    expect(json.file).toMatchObject({ id: f.a, status: "active", version: 2, bytes: 1500 });
    expect(json.versions).toHaveLength(2);
    expect(json.versions[0]).toMatchObject({
      version: 1,
      change: "created",
      changes: [],
      valid_for_ms: 86_400_000,
    });
    expect(json.versions[1]).toMatchObject({
      version: 2,
      change: "updated",
      valid_from: utcDay(-3, 10).toISOString(),
      valid_to: null,
      changes: [{ field: "bytes", old: 1000, new: 1500 }],
    });
  });

  it("history: says the mirror has never seen an unknown file", async () => {
    const report = await getFileHistory(s.db.prisma, "file-000000000000000000000000");
    expect(report.file).toBeNull();
    expect(renderHistoryTable(report)).toBe(
      "No file file-000000000000000000000000 in the mirror.\n",
    );
    expect(JSON.parse(renderHistoryJson(report))).toEqual({
      file_id: "file-000000000000000000000000",
      file: null,
      versions: [],
    });
  });

  it("stats: shows files and size held per day and purpose, with the day's changes", async () => {
    const report = await listDailyStats(s.db.prisma, { days: 3 });
    const table = renderStatsTable(report);
    expect(cells(table).slice(2)).toEqual([
      "DAY (UTC) | PURPOSE | FILES | SIZE | CREATED | DISAPPEARED | EXPIRED | DELETED | REAPPEARED",
      `${utcDayName(-2)} | batch | 2 | 4.4 KiB | 0 | 1 | 0 | 1 | 0`,
      `${utcDayName(-2)} | batch_output | 0 | 0 B | 0 | 2 | 1 | 1 | 0`,
      `${utcDayName(-1)} | batch | 3 | 6.3 KiB | 0 | 0 | 0 | 0 | 1`,
      `${utcDayName(-1)} | batch_output | 0 | 0 B | 0 | 0 | 0 | 0 | 0`,
      `${utcDayName(0)} | batch | 3 | 6.3 KiB | 0 | 0 | 0 | 0 | 0`,
      `${utcDayName(0)} | batch_output | 0 | 0 B | 0 | 0 | 0 | 0 | 0`,
      "",
    ]);
    expectAligned(table, "DAY");
  });

  it("stats: gives scripts raw counts and bytes per day", async () => {
    const json = JSON.parse(renderStatsJson(await listDailyStats(s.db.prisma, { days: 5 })));
    expect(json.days).toBe(5);
    expect(json.stats).toHaveLength(10);
    expect(json.stats[2]).toEqual({
      day: utcDayName(-3),
      purpose: "batch",
      files: 3,
      bytes: 6500,
      created: 1,
      reappeared: 0,
      disappeared: 0,
      expired: 0,
      deleted: 0,
    });
  });
});

describe("report renderers with nothing to show", () => {
  it("say there is no run or history yet", () => {
    expect(renderRunsTable({ last: 20, runs: [] })).toBe("No sync run yet.\n");
    expect(renderStatsTable({ days: 7, stats: [] })).toBe("No file history in the last 7 days.\n");
    expect(JSON.parse(renderRunsJson({ last: 20, runs: [] }))).toEqual({ last: 20, runs: [] });
  });
});
