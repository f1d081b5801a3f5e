import { describe, expect, it } from "vitest";
import { listingCopyLine, readListingCopyLine } from "../src/db/stage-listing.js";
import { withSyncSession } from "../src/db/sync-session.js";
import { openRun } from "../src/db/tables/sync-runs.js";
import type { NovitaFile } from "../src/novita/index.js";
import { ListingStager } from "../src/sync/listing-stager.js";
import { capturingLogger } from "./helpers/simulator-harness.js";
import { createTestDatabase } from "./helpers/test-database.js";

// The stager on its own, against a real database, fed files that skipped validation: what the
// database refuses at COPY is isolated within its batch of 5,000, and a page tried again drops
// exactly what its failed attempt staged, refusals included.

function file(n: number, page: number, change: Partial<NovitaFile> = {}): NovitaFile {
  return {
    id: `file-${n}`,
    object: "file",
    bytes: n,
    filename: `f${n}.jsonl`,
    createdAt: new Date(1_790_000_000_000),
    expiresAt: null,
    purpose: "batch",
    totalRequests: null,
    metadata: { n },
    extra: {},
    page,
    index: n,
    ...change,
  };
}

describe("the listing stager", () => {
  it("reads back what a COPY line says of its file, escapes included", () => {
    const odd = file(1, 3, {
      id: "id\twith\\tab",
      filename: "line\nbreak\r.jsonl",
      metadata: { "a\tb": "c\\d" },
    });
    expect(readListingCopyLine(listingCopyLine(9, 42, odd))).toEqual({
      id: odd.id,
      object: "file",
      filename: odd.filename,
      purpose: "batch",
      metadata: odd.metadata,
      page: 3,
      index: 1,
    });
  });

  it("isolates files the database refuses at COPY and stages the rest of their batch", async () => {
    const db = await createTestDatabase();
    const capture = capturingLogger();
    const run = await openRun(db.prisma, "manual");
    const refusedIds = ["file-1234", "file-7001"];

    const staged = await withSyncSession(db.pool, capture.logger, async (session) => {
      const stager = new ListingStager(session!, run.id, capture.logger);
      await stager.startPage(1, false);
      const files = Array.from({ length: 12_000 }, (_, n) =>
        // A NUL is not storable in text: validation would have refused it; here COPY does.
        refusedIds.includes(`file-${n}`) ? file(n, 1, { filename: "bad\u0000name" }) : file(n, 1),
      );
      await stager.add({ files, invalid: [] });
      return stager.finish();
    });

    expect(staged).toMatchObject({ files: 11_998, duplicates: 0, lastPosition: 12_000 });
    expect(staged.refused.map(({ id }) => id).sort()).toEqual(refusedIds);
    expect(staged.refused[0]?.reason).toMatch(/0x00|null/i);
    const [counts] = await db.query<{ listed: number; seen: string[] }>(
      `SELECT (SELECT count(*)::int FROM sync_listing WHERE run_id = $1) AS listed,
              (SELECT array_agg(id ORDER BY id) FROM sync_seen_invalid WHERE run_id = $1) AS seen`,
      [run.id],
    );
    expect(counts).toEqual({ listed: 11_998, seen: refusedIds });
    const warnings = capture
      .records()
      .filter((r) => r.msg === "novita file item is invalid; left out of the listing");
    expect(warnings.map((w) => w.id).sort()).toEqual(refusedIds);
  });

  it("drops what a failed attempt at a page staged, refused files included", async () => {
    const db = await createTestDatabase();
    const capture = capturingLogger();
    const run = await openRun(db.prisma, "manual");

    const staged = await withSyncSession(db.pool, capture.logger, async (session) => {
      const stager = new ListingStager(session!, run.id, capture.logger);
      await stager.startPage(1, false);
      await stager.add({ files: [file(1, 1), file(2, 1)], invalid: [] });
      await stager.startPage(2, false);
      // The first attempt at page 2: 6,000 files (one COPY out), a refused one, an invalid item.
      const attempt = Array.from({ length: 6_000 }, (_, i) => file(100 + i, 2));
      attempt[10] = file(110, 2, { purpose: "x\u0000" });
      await stager.add({
        files: attempt,
        invalid: [{ page: 2, index: 6_000, id: "file-invalid", problem: "bytes: expected number" }],
      });
      // It fails; the retry sends page 2 again, shorter and clean.
      await stager.startPage(2, true);
      await stager.add({ files: [file(100, 2), file(101, 2)], invalid: [] });
      return stager.finish();
    });

    expect(staged).toMatchObject({ files: 4, refused: [], duplicates: 0 });
    const listed = await db.query<{ id: string }>(
      "SELECT id FROM sync_listing WHERE run_id = $1 ORDER BY position",
      [run.id],
    );
    expect(listed.map(({ id }) => id)).toEqual(["file-1", "file-2", "file-100", "file-101"]);
    const seen = await db.query("SELECT id FROM sync_seen_invalid WHERE run_id = $1", [run.id]);
    expect(seen).toEqual([]);
    // The retry's ids were seen in the failed attempt: checked as repeats, none real.
    expect(capture.records().some((r) => String(r.msg).includes("repeated file ids"))).toBe(false);
  });
});

describe("staged times", () => {
  it("become the exact timestamptz of their unix seconds, before 2255 and after, up to 9999", async () => {
    const db = await createTestDatabase();
    // Both sides of the double's exact limit, the API's range's ends, and random seconds in it.
    const seconds = [0, 1, 86_399, 86_400, 1_790_000_123, 9_007_199_253, 9_007_199_254];
    seconds.push(9_007_199_255, 20_000_000_000, 253_402_300_799);
    for (let n = 0; n < 2_000; n += 1) seconds.push(Math.floor(Math.random() * 253_402_300_800));
    const { stagedColumn } = await import("../src/db/tables/file-columns.js");
    const rows = await db.query<{ s: string; iso: string | null; expires: string | null }>(
      `SELECT l.created_at_unix::text AS s,
              to_char(${stagedColumn("l", "created_at")} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS iso,
              ${stagedColumn("l", "expires_at")}::text AS expires
         FROM (SELECT s AS created_at_unix, NULL::bigint AS expires_at_unix
                 FROM unnest($1::bigint[]) AS t(s)) l`,
      [seconds],
    );
    expect(rows).toHaveLength(seconds.length);
    for (const row of rows) {
      const expected = new Date(Number(row.s) * 1000)
        .toISOString()
        .replace(/\.(\d{3})Z$/, ".$1000");
      expect(row.iso, row.s).toBe(expected);
      expect(row.expires).toBeNull();
    }
  });
});
