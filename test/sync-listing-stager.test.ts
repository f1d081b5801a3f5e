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

describe("COPY timestamps", () => {
  it("write the instant toISOString writes, in the form PostgreSQL reads", async () => {
    const { utcTimestamp } = await import("../src/db/stage-listing.js");
    const instants = [0, 1, 999, 86_399_999, 1_790_000_123_456, 253_402_300_799_000, -86_400_001];
    for (let n = 0; n < 2_000; n += 1)
      instants.push(Math.floor(Math.random() * 253_402_300_799_000));
    for (const ms of instants) {
      const iso = new Date(ms).toISOString();
      const text = utcTimestamp(new Date(ms));
      expect(new Date(text.replace(" ", "T").replace("+00", "Z")).getTime(), text).toBe(ms);
      expect(text.slice(0, 19), iso).toBe(iso.slice(0, 19).replace("T", " "));
    }
  });
});
