import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { scanExpiries } from "../src/expiry/scan-expiries.js";
import { silentLogger } from "../src/logging/logger.js";
import { minimumEventRetentionMs, pruneOnce } from "../src/retention/index.js";
import { makeExpiredDedupeKey } from "./helpers/expiry-rules.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";

const hour = 3_600_000;
const day = 24 * hour;
const windowsMs = [day, hour];
const expiresAt = new Date("2031-03-01T12:00:00.000Z");
const at = (offsetMs: number) => new Date(expiresAt.getTime() + offsetMs);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

beforeEach(async () => {
  await db.query("TRUNCATE files, events CASCADE");
});

async function seedExpiringFile(id: string): Promise<void> {
  const firstSeen = at(-10 * day);
  await db.query(
    `INSERT INTO files (id, object, filename, bytes, purpose, created_at, expires_at, metadata,
                        first_seen_at, last_changed_at, last_seen_at)
     VALUES ($1, 'file', 'out.jsonl', 10, 'batch_output', $2, $3, '{}', $2, $2, $2)`,
    [id, firstSeen, expiresAt],
  );
}

const scan = (now: Date) => scanExpiries({ db: db.prisma, windowsMs, logger: silentLogger, now });

describe("expiry events and retention", () => {
  it("never emits a pruned expiry event again, at any later scan", async () => {
    await seedExpiringFile("file-a");
    // Warnings 24h and 1h before, then the expiry itself.
    for (const offset of [-23 * hour, -30 * 60_000, 60_000]) await scan(at(offset));
    const emitted = await db.query<{ type: string }>("SELECT type FROM events ORDER BY seq");
    expect(emitted.map((e) => e.type)).toEqual(["file.expiring", "file.expiring", "file.expired"]);

    // Prune at the minimum retention, as soon as it allows, then keep scanning every 6 hours
    // for a month past that: nothing may come due again.
    const retention = minimumEventRetentionMs(windowsMs);
    const pruneAt = at(60_000 + retention + hour);
    const pruned = await pruneOnce({
      prisma: db.prisma,
      eventRetentionMs: retention,
      runRetentionMs: 90 * day,
      expiryWindowsMs: windowsMs,
      logger: silentLogger,
      now: pruneAt,
    });
    expect(pruned.events).toBe(3);
    for (let t = pruneAt.getTime(); t < pruneAt.getTime() + 30 * day; t += 6 * hour) {
      const result = await scan(new Date(t));
      expect(result.warnings + result.expired).toBe(0);
    }
    expect(await db.query("SELECT * FROM events")).toEqual([]);
  });

  it("emits the expiry of a file with a 6,000-character id once, under a bounded dedupe key", async () => {
    // Compressible, so files_pkey stores it; the key holds a digest instead of the id.
    const id = `file-${"ab".repeat(2_997)}x`;
    expect(id).toHaveLength(6_000);
    await seedExpiringFile(id);

    const first = await scan(at(60_000));
    const second = await scan(at(2 * 60_000));

    expect([first.expired, second.expired]).toEqual([1, 0]);
    const rows = await db.query<{ file_id: string; dedupe_key: string }>(
      "SELECT file_id, dedupe_key FROM events",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.file_id).toBe(id);
    expect(rows[0]!.dedupe_key).toBe(makeExpiredDedupeKey(id, expiresAt));
    expect(rows[0]!.dedupe_key.length).toBeLessThan(120);
  });

  it("keeps the dedupe key of a short id as it always was, so an upgrade re-emits nothing", async () => {
    await seedExpiringFile("file-short");
    await scan(at(60_000));
    const [row] = await db.query<{ dedupe_key: string }>("SELECT dedupe_key FROM events");
    expect(row!.dedupe_key).toBe(`file.expired:file-short:${expiresAt.getTime() / 1000}`);
  });

  it("does not emit again an event written under the old, undigested key of a long id", async () => {
    const id = `file-${"cd".repeat(600)}`;
    await seedExpiringFile(id);
    await db.query(
      `INSERT INTO events (type, file_id, occurred_at, data, dedupe_key)
       VALUES ('file.expired', $1, $2, '{}', $3)`,
      [id, at(30_000), `file.expired:${id}:${expiresAt.getTime() / 1000}`],
    );
    const result = await scan(at(60_000));
    expect(result.expired).toBe(0);
  });
});
