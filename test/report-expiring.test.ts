import { beforeAll, describe, expect, it } from "vitest";
import { formatBytes } from "../src/report/format-bytes.js";
import { formatTable } from "../src/report/format-table.js";
import { formatTimeLeft } from "../src/report/format-time-left.js";
import { listExpiringFiles } from "../src/report/list-expiring-files.js";
import { renderExpiringJson, renderExpiringTable } from "../src/report/render-expiring-report.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const now = new Date("2030-01-01T12:00:00.000Z");
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const files = [
    { id: "file-later", filename: "later.jsonl", bytes: 5 * 1024 ** 3, expires: at(20 * hour) },
    { id: "file-soon", filename: "soon.jsonl", bytes: 1536, expires: at(3 * hour + 12 * minute) },
    { id: "file-sooner", filename: "sooner.jsonl", bytes: 12, expires: at(45 * 1000) },
    { id: "file-beyond", filename: "beyond.jsonl", bytes: 1, expires: at(2 * day) },
    { id: "file-expired", filename: "past.jsonl", bytes: 1, expires: at(-minute) },
    { id: "file-never", filename: "never.jsonl", bytes: 1, expires: null },
    { id: "file-gone", filename: "gone.jsonl", bytes: 1, expires: at(hour), status: "disappeared" },
  ];
  await db.query(
    `INSERT INTO files (id, object, filename, bytes, purpose, created_at, expires_at, metadata,
                        status, first_seen_at, last_changed_at, last_seen_at)
     SELECT r.id, 'file', r.filename, r.bytes, 'batch_output', $2, r.expires, '{}',
            coalesce(r.status, 'active'), $2, $2, $2
     FROM jsonb_to_recordset($1::jsonb)
       AS r(id text, filename text, bytes bigint, expires timestamptz, status text)`,
    [JSON.stringify(files), at(-day)],
  );
});

describe("report expiring", () => {
  it("lists active files expiring within the window, soonest first, as JSON with raw numbers and ISO times", async () => {
    const report = await listExpiringFiles(db.prisma, { withinMs: day, now });
    const text = renderExpiringJson(report);
    expect(text.trimEnd().split("\n")).toHaveLength(1);
    expect(JSON.parse(text)).toEqual({
      now: "2030-01-01T12:00:00.000Z",
      within: "1d",
      within_ms: day,
      files: [
        {
          id: "file-sooner",
          filename: "sooner.jsonl",
          purpose: "batch_output",
          bytes: 12,
          expires_at: "2030-01-01T12:00:45.000Z",
          seconds_left: 45,
          archived: false,
        },
        {
          id: "file-soon",
          filename: "soon.jsonl",
          purpose: "batch_output",
          bytes: 1536,
          expires_at: "2030-01-01T15:12:00.000Z",
          seconds_left: 11_520,
          archived: false,
        },
        {
          id: "file-later",
          filename: "later.jsonl",
          purpose: "batch_output",
          bytes: 5 * 1024 ** 3,
          expires_at: "2030-01-02T08:00:00.000Z",
          seconds_left: 72_000,
          archived: false,
        },
      ],
    });
  });

  it("prints a table for people: column headers, soonest first, time left in words, sizes in human units", async () => {
    const report = await listExpiringFiles(db.prisma, { withinMs: day, now });
    const lines = renderExpiringTable(report).trimEnd().split("\n");
    expect(lines[0]).toBe("3 active files expire within 1d (as of 2030-01-01 12:00:00 UTC):");
    expect(lines[2]).toMatch(
      /^EXPIRES\s+EXPIRES AT \(UTC\)\s+SIZE\s+PURPOSE\s+ARCHIVED\s+ID\s+FILENAME$/,
    );
    expect(lines.slice(3)).toEqual([
      "in 45s     2030-01-01 12:00:45     12 B  batch_output  no        file-sooner  sooner.jsonl",
      "in 3h 12m  2030-01-01 15:12:00  1.5 KiB  batch_output  no        file-soon    soon.jsonl",
      "in 20h     2030-01-02 08:00:00  5.0 GiB  batch_output  no        file-later   later.jsonl",
    ]);
  });

  it("narrows to --within and says so when nothing expires in it", async () => {
    const narrow = await listExpiringFiles(db.prisma, { withinMs: hour, now });
    expect(narrow.files.map((f) => f.id)).toEqual(["file-sooner"]);
    const empty = await listExpiringFiles(db.prisma, { withinMs: 10 * 1000, now });
    expect(empty.files).toEqual([]);
    expect(empty.now).toEqual(now);
    expect(renderExpiringTable(empty)).toBe("No active file expires within 10s.\n");
    expect(JSON.parse(renderExpiringJson(empty))).toMatchObject({ files: [], within_ms: 10_000 });
  });

  it("judges by the database's clock when no time is given", async () => {
    const report = await listExpiringFiles(db.prisma, { withinMs: hour });
    const [row] = await db.query<{ now: Date }>("SELECT now() AS now");
    expect(Math.abs(report.now.getTime() - row!.now.getTime())).toBeLessThan(60_000);
  });
});

describe("report formatting", () => {
  it("aligns columns, right-aligning numbers, without trailing spaces", () => {
    const rows = [
      { name: "a", size: "1 B" },
      { name: "longer", size: "10.0 KiB" },
    ];
    const table = formatTable(
      [
        { header: "NAME", value: (r: (typeof rows)[number]) => r.name },
        { header: "SIZE", align: "right", value: (r: (typeof rows)[number]) => r.size },
      ],
      rows,
    );
    expect(table).toBe(["NAME        SIZE", "a            1 B", "longer  10.0 KiB"].join("\n"));
  });

  it("formats bytes in binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1024)).toBe("1.0 KiB");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(150 * 1024 ** 2)).toBe("150 MiB");
    expect(formatBytes(1024 ** 2 - 1)).toBe("1.0 MiB");
    expect(formatBytes("9007199254740993")).toBe("8.0 PiB");
  });

  it("says time left in words", () => {
    expect(formatTimeLeft(3 * hour + 12 * minute + 30_000)).toBe("in 3h 12m");
    expect(formatTimeLeft(45_000)).toBe("in 45s");
    expect(formatTimeLeft(0)).toBe("now");
    expect(formatTimeLeft(-5 * minute)).toBe("5m ago");
  });
});
