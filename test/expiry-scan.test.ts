import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/config.js";
import { scanExpiries } from "../src/expiry/scan-expiries.js";
import { silentLogger } from "../src/logging/logger.js";
import { makeExpiredDedupeKey, makeExpiringDedupeKey } from "./helpers/expiry-rules.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const windowsMs = [day, hour];
/** The expiry most tests revolve around. */
const T = new Date("2030-01-01T12:00:00.000Z");
const at = (offsetMs: number) => new Date(T.getTime() + offsetMs);

interface SeedFile {
  id: string;
  expiresAt: Date | null;
  firstSeenAt: Date;
  status?: "active" | "disappeared";
  missedRuns?: number;
}

interface EventRow {
  type: string;
  file_id: string;
  data: Record<string, unknown>;
  dedupe_key: string;
  occurred_at: Date;
  sync_run_id: number | null;
}

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

beforeEach(async () => {
  await db.query("TRUNCATE files, events CASCADE");
});

/** Inserts files rows as the sync would have left them. */
async function seedFiles(files: SeedFile[]): Promise<void> {
  await db.query(
    `INSERT INTO files (id, object, filename, bytes, purpose, created_at, expires_at, metadata,
                        status, first_seen_at, last_changed_at, last_seen_at, disappeared_at, missed_runs)
     SELECT r.id, 'file', r.id || '.jsonl', 2048, 'batch_output', r.first_seen_at, r.expires_at, '{}',
            r.status, r.first_seen_at, r.first_seen_at, r.first_seen_at,
            CASE WHEN r.status = 'disappeared' THEN r.first_seen_at END, r.missed_runs
     FROM jsonb_to_recordset($1::jsonb)
       AS r(id text, expires_at timestamptz, first_seen_at timestamptz, status text, missed_runs int)`,
    [
      JSON.stringify(
        files.map((f) => ({
          id: f.id,
          expires_at: f.expiresAt,
          first_seen_at: f.firstSeenAt,
          status: f.status ?? "active",
          missed_runs: f.missedRuns ?? 0,
        })),
      ),
    ],
  );
}

const moveExpiry = (id: string, expiresAt: Date) =>
  db.query("UPDATE files SET expires_at = $2 WHERE id = $1", [id, expiresAt]);

const events = () =>
  db.query<EventRow>(
    "SELECT type, file_id, data, dedupe_key, occurred_at, sync_run_id FROM events ORDER BY seq",
  );

/** What each event says, compactly: `expiring 24h`, `expired`. */
const summary = async () =>
  (await events()).map((e) =>
    e.type === "file.expiring" ? `${e.file_id} expiring ${e.data.window}` : `${e.file_id} expired`,
  );

const scanAt = (now: Date, windows: number[] = windowsMs) =>
  scanExpiries({ db: db.prisma, windowsMs: windows, logger: silentLogger, now });

describe("scanExpiries", () => {
  it("warns once per window as the clock passes 24h and 1h before expiry, then announces the expiry once", async () => {
    await seedFiles([{ id: "file-a", expiresAt: T, firstSeenAt: at(-3 * day) }]);
    const clock = [
      -25 * hour,
      -day,
      -day,
      -23 * hour,
      -2 * hour,
      -hour,
      -hour,
      -30 * minute,
      -1000,
    ];
    for (const offset of clock) await scanAt(at(offset));
    const expiring = await events();
    expect(expiring.map((e) => [e.type, e.data.window])).toEqual([
      ["file.expiring", "24h"],
      ["file.expiring", "1h"],
    ]);
    expect(expiring[0]).toEqual({
      type: "file.expiring",
      file_id: "file-a",
      data: {
        window: "24h",
        window_ms: day,
        expires_at: "2030-01-01T12:00:00.000Z",
        seconds_left: 86_400,
        filename: "file-a.jsonl",
        purpose: "batch_output",
        bytes: 2048,
        archived: false,
      },
      dedupe_key: makeExpiringDedupeKey("file-a", day, T),
      occurred_at: at(-day),
      sync_run_id: null,
    });
    expect(expiring[1]?.dedupe_key).toBe(makeExpiringDedupeKey("file-a", hour, T));

    const atExpiry = await scanAt(T);
    expect(atExpiry).toMatchObject({ warnings: 0, expired: 1, scannedAt: T });
    for (const offset of [1000, hour, 2 * day]) {
      expect(await scanAt(at(offset))).toMatchObject({ warnings: 0, expired: 0 });
    }
    const all = await events();
    expect(all).toHaveLength(3);
    expect(all[2]).toMatchObject({
      type: "file.expired",
      dedupe_key: makeExpiredDedupeKey("file-a", T),
      occurred_at: T,
      data: { expires_at: "2030-01-01T12:00:00.000Z", seconds_since_expiry: 0, still_listed: true },
    });
  });

  it("gives a file first seen 30 minutes before expiry only the 1h warning, never the 24h one", async () => {
    await seedFiles([{ id: "file-late", expiresAt: T, firstSeenAt: at(-30 * minute) }]);
    expect(await scanAt(at(-30 * minute))).toMatchObject({ warnings: 1, expired: 0 });
    await scanAt(at(-10 * minute));
    await scanAt(T);
    expect(await summary()).toEqual(["file-late expiring 1h", "file-late expired"]);
  });

  it("re-arms the windows when an expiry is extended, and repeats nothing for the old value", async () => {
    await seedFiles([{ id: "file-ext", expiresAt: T, firstSeenAt: at(-3 * day) }]);
    await scanAt(at(-day));
    await scanAt(at(-hour));
    const extended = at(2 * day);
    await moveExpiry("file-ext", extended);
    for (const offset of [-30 * minute, 0, day - minute, day, 47 * hour, 47 * hour, 2 * day]) {
      await scanAt(at(offset));
    }
    // Moving back to the old value repeats none of its warnings.
    await moveExpiry("file-ext", T);
    await scanAt(at(-30 * minute));
    expect(await summary()).toEqual([
      "file-ext expiring 24h",
      "file-ext expiring 1h",
      "file-ext expiring 24h",
      "file-ext expiring 1h",
      "file-ext expired",
    ]);
    const keys = (await events()).map((e) => e.dedupe_key);
    expect(keys.slice(2)).toEqual([
      makeExpiringDedupeKey("file-ext", day, extended),
      makeExpiringDedupeKey("file-ext", hour, extended),
      makeExpiredDedupeKey("file-ext", extended),
    ]);
  });

  it("judges an expiry moved earlier afresh by the tightest window, without repeating the old value's warning", async () => {
    const original = at(10 * hour);
    await seedFiles([{ id: "file-early", expiresAt: original, firstSeenAt: at(-3 * day) }]);
    await scanAt(at(-14 * hour));
    await moveExpiry("file-early", T);
    await scanAt(at(-30 * minute));
    await moveExpiry("file-early", original);
    await scanAt(at(-20 * minute));
    expect(await summary()).toEqual(["file-early expiring 24h", "file-early expiring 1h"]);
    expect((await events()).map((e) => e.dedupe_key)).toEqual([
      makeExpiringDedupeKey("file-early", day, original),
      makeExpiringDedupeKey("file-early", hour, T),
    ]);
  });

  it("announces the expiry of a file still listed and of files no longer listed, saying which", async () => {
    await seedFiles([
      { id: "file-listed", expiresAt: T, firstSeenAt: at(-3 * day) },
      { id: "file-gone", expiresAt: T, firstSeenAt: at(-3 * day), status: "disappeared" },
      { id: "file-missed", expiresAt: T, firstSeenAt: at(-3 * day), missedRuns: 1 },
    ]);
    expect(await scanAt(at(5 * minute))).toMatchObject({ warnings: 0, expired: 3 });
    const byFile = Object.fromEntries((await events()).map((e) => [e.file_id, e.data]));
    expect(byFile["file-listed"]).toMatchObject({ still_listed: true, status: "active" });
    expect(byFile["file-gone"]).toMatchObject({ still_listed: false, status: "disappeared" });
    expect(byFile["file-missed"]).toMatchObject({ still_listed: false, status: "active" });
    expect(byFile["file-gone"]).toMatchObject({
      seconds_since_expiry: 300,
      filename: "file-gone.jsonl",
    });
  });

  it("never warns about a disappeared file", async () => {
    await seedFiles([
      { id: "file-gone", expiresAt: T, firstSeenAt: at(-3 * day), status: "disappeared" },
    ]);
    for (const offset of [-day, -hour, -minute]) await scanAt(at(offset));
    expect(await events()).toEqual([]);
  });

  it("does not announce expiries that happened before the file was first seen, or longer ago than the lookback", async () => {
    await seedFiles([
      // A first import of an old account: these expired before the mirror knew them.
      { id: "file-old-1", expiresAt: at(-day), firstSeenAt: T },
      { id: "file-old-2", expiresAt: at(-minute), firstSeenAt: T, status: "disappeared" },
      // Known before its expiry, but the service was down for longer than the week's lookback.
      { id: "file-missed-long-ago", expiresAt: at(-8 * day), firstSeenAt: at(-30 * day) },
      // Known before its expiry, the service was down for two days: announced, late.
      { id: "file-missed-lately", expiresAt: at(-2 * day), firstSeenAt: at(-30 * day) },
    ]);
    expect(await scanAt(T)).toMatchObject({ warnings: 0, expired: 1 });
    const [late] = await events();
    expect(late).toMatchObject({
      file_id: "file-missed-lately",
      data: { seconds_since_expiry: 2 * 86_400 },
    });
  });

  it("emits nothing for files without an expiry", async () => {
    await seedFiles([{ id: "file-forever", expiresAt: null, firstSeenAt: at(-3 * day) }]);
    for (const offset of [-day, -hour, 0, day]) await scanAt(at(offset));
    expect(await events()).toEqual([]);
  });

  it("never sends a wider warning after a tighter one for the same expiry, even when the windows are reconfigured", async () => {
    await seedFiles([{ id: "file-cfg", expiresAt: T, firstSeenAt: at(-30 * minute) }]);
    await scanAt(at(-50 * minute), [day, hour]);
    await scanAt(at(-40 * minute), [day, 2 * hour]);
    await scanAt(at(-10 * minute), [day, 2 * hour, 15 * minute]);
    expect(await summary()).toEqual(["file-cfg expiring 1h", "file-cfg expiring 15m"]);
  });

  it("emits each event exactly once when five scanners race on separate connections", async () => {
    const files: SeedFile[] = [];
    for (let i = 0; i < 60; i++) {
      files.push({
        id: `file-race-${i}`,
        expiresAt: at((i - 30) * 20 * minute),
        firstSeenAt: at(-day * 3),
      });
    }
    await seedFiles(files);
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => scanAt(T)));
    // Expired: offsets -600m..-20m and 0 (31 files); 1h window: 20m, 40m, 60m (3);
    // 24h window: 80m..580m (26).
    const rows = await events();
    expect(rows.filter((e) => e.type === "file.expired")).toHaveLength(31);
    expect(rows.filter((e) => e.type === "file.expiring")).toHaveLength(29);
    expect(new Set(rows.map((e) => e.file_id)).size).toBe(60);
    expect(results.reduce((n, r) => n + r.warnings, 0)).toBe(29);
    expect(results.reduce((n, r) => n + r.expired, 0)).toBe(31);
  });

  it("judges by the database's clock when no time is given", async () => {
    await db.query(
      `INSERT INTO files (id, object, filename, bytes, purpose, created_at, expires_at, metadata,
                          first_seen_at, last_changed_at, last_seen_at)
       VALUES ('file-now', 'file', 'now.jsonl', 1, 'batch_output', now(), now() + interval '30 minutes',
               '{}', now(), now(), now())`,
    );
    const result = await scanExpiries({ db: db.prisma, windowsMs, logger: silentLogger });
    expect(result.warnings).toBe(1);
    const [row] = await db.query<{ window: string; on_db_clock: boolean }>(
      `SELECT data->>'window' AS window, abs(extract(epoch FROM occurred_at - now())) < 60 AS on_db_clock
       FROM events`,
    );
    expect(row).toEqual({ window: "1h", on_db_clock: true });
  });

  it("warns on time from the database alone, with no Novita API key and an unreachable API configured", async () => {
    const config = loadConfig({ DATABASE_URL: db.url, NOVITA_BASE_URL: "http://127.0.0.1:9" });
    expect(config.novita.apiKey).toBeUndefined();
    await seedFiles([{ id: "file-offline", expiresAt: T, firstSeenAt: at(-3 * day) }]);
    const result = await scanExpiries({
      db: db.prisma,
      windowsMs: config.expiry.windowsMs,
      logger: silentLogger,
      now: at(-hour),
    });
    expect(result).toMatchObject({ warnings: 1, expired: 0 });
    expect(await summary()).toEqual(["file-offline expiring 1h"]);
  });

  it("refuses windows that are not positive whole milliseconds, naming the setting", async () => {
    const error = await scanAt(T, [hour, 0]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid_windows" });
    expect((error as Error).message).toContain("EXPIRY_WARNING_WINDOWS");
  });
});
