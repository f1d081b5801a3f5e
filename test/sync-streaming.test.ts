import { describe, expect, it } from "vitest";
import type { Logger } from "../src/logging/logger.js";
import { makeNovitaClient } from "../src/novita/index.js";
import { startSimulator } from "../src/simulator/index.js";
import { fingerprintOf } from "../src/sync/id-fingerprints.js";
import { syncOnce } from "../src/sync/sync-once.js";
import { closeAfterAll } from "./helpers/cleanup.js";
import { fastBackoffSleep } from "./helpers/fast-backoff-sleep.js";
import { capturingLogger } from "./helpers/simulator-harness.js";
import { defaultSyncSettings } from "./helpers/sync-scenario.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";
import { waitFor } from "./helpers/wait-for.js";

// The listing streams into the staging tables while it downloads (src/sync/listing-stager.ts):
// these tests check that what reaches the mirror is still one complete listing or nothing.

const apiKey = "sk-test-streaming-key";

async function streamingBed() {
  const db = await createTestDatabase();
  const simulator = await startSimulator({ apiKey, seed: 3 });
  closeAfterAll(simulator);
  /** One run; `afterListing` runs once the listing has streamed, before the run stages its tail. */
  const sync = (
    logger: Logger = capturingLogger().logger,
    afterListing: () => Promise<void> = async () => {},
  ) => {
    const client = makeNovitaClient({
      baseUrl: simulator.baseUrl,
      apiKey,
      logger,
      timeoutMs: 20_000,
      retries: 1,
      sleep: fastBackoffSleep,
    });
    return syncOnce(
      {
        db,
        streamFiles: async (sink) => {
          const summary = await client.streamFiles(sink);
          await afterListing();
          return summary;
        },
        logger,
        settings: defaultSyncSettings,
      },
      { trigger: "manual" },
    );
  };
  /**
   * Serves exactly these items as the listing (one body) and syncs, capturing the log: the run's
   * outcome and the warning about repeated ids, if it gave one.
   */
  const syncItems = async (items: readonly unknown[]) => {
    simulator.faults.always({
      kind: "raw",
      body: JSON.stringify({ code: "200", message: "success", data: items }),
    });
    const capture = capturingLogger();
    const outcome = await sync(capture.logger);
    const repeatWarning = capture
      .records()
      .find((r) => String(r.msg).includes("repeated file ids"));
    return { outcome, repeatWarning };
  };
  /** Staged rows per run, as sync_listing holds them between runs. */
  const stagedRuns = () =>
    db.query<{ run_id: number; n: number }>(
      "SELECT run_id, count(*)::int AS n FROM sync_listing GROUP BY run_id",
    );
  return { db, simulator, sync, syncItems, stagedRuns };
}

/** What the mirror holds, in a form two moments can be compared by. */
async function mirrorState(db: TestDatabase) {
  const [row] = await db.query<{ files: string; versions: string; events: string; digest: string }>(
    `SELECT (SELECT count(*) FROM files) AS files,
            (SELECT count(*) FROM file_versions) AS versions,
            (SELECT count(*) FROM events) AS events,
            (SELECT md5(coalesce(string_agg(f::text, '|' ORDER BY id), '')) FROM files f) AS digest`,
  );
  return row!;
}

async function stagedRows(db: TestDatabase): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "SELECT ((SELECT count(*) FROM sync_listing) + (SELECT count(*) FROM sync_seen_invalid))::int AS n",
  );
  return row!.n;
}

/** Rows ever inserted into sync_listing (the statistics reach it within a second or so). */
async function rowsEverStaged(db: TestDatabase): Promise<number> {
  const [row] = await db.query<{ n: string }>(
    "SELECT n_tup_ins AS n FROM pg_stat_user_tables WHERE relname = 'sync_listing'",
  );
  return Number(row?.n ?? 0);
}

describe("a listing streamed into staging", () => {
  it("applies nothing when a 1M-file body is cut off after 90% of it", async () => {
    const bed = await streamingBed();
    bed.simulator.store.generate(2_000, { seed: 1 });
    expect((await bed.sync()).status).toBe("succeeded");
    const before = await mirrorState(bed.db);
    // The account grows to a million files and some known ones change: none of it may land.
    for (const file of bed.simulator.store.list().slice(0, 100)) {
      bed.simulator.store.update(file.id, { bytes: file.bytes + 1 });
    }
    bed.simulator.store.generate(998_000, { seed: 2 });
    bed.simulator.faults.always({ kind: "truncated", fraction: 0.9 });
    const staged = await rowsEverStaged(bed.db);

    const outcome = await bed.sync();

    expect(outcome.status).toBe("failed");
    expect(outcome.error?.message).toMatch(/cut off/);
    expect(await mirrorState(bed.db)).toEqual(before);
    expect(await stagedRows(bed.db)).toBe(0);
    const [run] = await bed.db.query("SELECT status, error_code FROM sync_runs WHERE id = $1", [
      outcome.runId,
    ]);
    expect(run).toMatchObject({ status: "failed", error_code: "bad_response" });
    // The body really streamed: most of it reached the staging table before the cut (twice,
    // with the retry) and was thrown away.
    await waitFor(
      "the statistics to show the staged rows of both attempts",
      async () => (await rowsEverStaged(bed.db)) - staged > 1_600_000,
      { timeoutMs: 15_000, intervalMs: 250 },
    );
  }, 240_000);

  it("applies nothing when an error code follows the whole data array", async () => {
    const bed = await streamingBed();
    bed.simulator.store.generate(300, { seed: 4 });
    expect((await bed.sync()).status).toBe("succeeded");
    const before = await mirrorState(bed.db);
    bed.simulator.store.generate(20_000, { seed: 5 });
    bed.simulator.faults.always({
      kind: "error-code",
      code: "500",
      message: "internal error",
      afterData: true,
    });

    const outcome = await bed.sync();

    expect(outcome.status).toBe("failed");
    expect(outcome.error?.message).toContain("internal error");
    expect(await mirrorState(bed.db)).toEqual(before);
    expect(await stagedRows(bed.db)).toBe(0);
  }, 60_000);

  it("drops what a failed attempt at a page staged, and the retry stages it once", async () => {
    const bed = await streamingBed();
    const files = bed.simulator.store.generate(30_000, { seed: 6 });
    bed.simulator.faults.pageSize = 12_000;
    // Page 1 is fine; page 2's first attempt dies after 60% of its body (several COPYs in).
    bed.simulator.faults.add({ kind: "delay", delayMs: 0 });
    bed.simulator.faults.add({ kind: "close-mid-body", fraction: 0.6 });
    const capture = capturingLogger();

    const outcome = await bed.sync(capture.logger);

    expect(outcome.status).toBe("succeeded");
    expect(outcome.counts).toMatchObject({ filesSeen: 30_000, created: 30_000, invalid: 0 });
    const [row] = await bed.db.query<{ n: number; ids: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM files",
    );
    expect(row).toEqual({ n: 30_000, ids: 30_000 });
    const ids = new Set(files.map((file) => file.id));
    const mirrored = await bed.db.query<{ id: string }>("SELECT id FROM files");
    expect(mirrored.every(({ id }) => ids.has(id))).toBe(true);
    // The retry's ids matched the failed attempt's fingerprints; no repeat was real.
    expect(capture.records().some((r) => String(r.msg).includes("repeated file ids"))).toBe(false);
    // An applied run's rows stay staged until the next run empties the tables.
    expect(await bed.stagedRuns()).toEqual([{ run_id: outcome.runId, n: 30_000 }]);
    const next = await bed.sync();
    expect(next.status).toBe("succeeded");
    expect(await bed.stagedRuns()).toEqual([{ run_id: next.runId, n: 30_000 }]);
  }, 60_000);

  it("keeps the last occurrence of an id repeated far apart in the listing", async () => {
    const bed = await streamingBed();
    const files = bed.simulator.store.generate(12_000, { seed: 8 });
    const repeated = files[10]!;
    const items = [...files, { ...repeated, bytes: 424_242, filename: "second.jsonl" }];

    const { outcome, repeatWarning: warning } = await bed.syncItems(items);

    expect(outcome.status).toBe("succeeded");
    expect(outcome.counts).toMatchObject({ filesSeen: 12_000, created: 12_000 });
    const [file] = await bed.db.query("SELECT bytes, filename FROM files WHERE id = $1", [
      repeated.id,
    ]);
    expect(file).toMatchObject({ filename: "second.jsonl" });
    expect(Number(file?.bytes)).toBe(424_242);
    expect(warning).toMatchObject({ count: 1, ids: [repeated.id] });
  }, 60_000);

  it("keeps the last occurrence of each id when more than 10,000 ids repeat (the whole staged listing is checked)", async () => {
    const bed = await streamingBed();
    const files = bed.simulator.store.generate(10_500, { seed: 11 });
    const again = files.map((f) => ({ ...f, filename: `again-${f.filename}` }));

    const { outcome, repeatWarning: warning } = await bed.syncItems([...files, ...again]);

    expect(outcome.status).toBe("succeeded");
    expect(outcome.counts).toMatchObject({ filesSeen: 10_500, created: 10_500 });
    const [kept] = await bed.db.query(
      "SELECT count(*)::int AS n, count(*) FILTER (WHERE filename LIKE 'again-%')::int AS later FROM files",
    );
    expect(kept).toEqual({ n: 10_500, later: 10_500 });
    expect(warning).toMatchObject({ count: 10_500 });
    expect(warning?.ids).toHaveLength(10);
  }, 60_000);

  it("keeps both of two different ids that share a fingerprint, and warns of no repeat", async () => {
    const bed = await streamingBed();
    // Found by search: the first pair of `file-<base 36>` ids whose 53-bit fingerprints are equal
    // (some 60 million ids in).
    const twins = ["file-15el7j", "file-fzjyw"];
    expect(fingerprintOf(twins[0]!)).toBe(fingerprintOf(twins[1]!));
    const files = bed.simulator.store.generate(6_000, { seed: 10 });
    const items = [...files, ...twins.map((id, n) => ({ ...files[n]!, id }))];

    const { outcome, repeatWarning } = await bed.syncItems(items);

    expect(outcome.status).toBe("succeeded");
    expect(outcome.counts).toMatchObject({ filesSeen: 6_002, created: 6_002 });
    const kept = await bed.db.query("SELECT id FROM files WHERE id = ANY($1) ORDER BY id", [twins]);
    expect(kept.map((row) => row.id)).toEqual(twins);
    expect(repeatWarning).toBeUndefined();
  }, 60_000);

  it("deletes the previous run's staged rows instead when the staging tables cannot be truncated at once", async () => {
    const bed = await streamingBed();
    bed.simulator.store.generate(6_000, { seed: 12 });
    const first = await bed.sync();
    expect(first.status).toBe("succeeded");
    // A reader holds sync_listing (as autovacuum might): TRUNCATE would wait for it.
    const reader = await bed.db.pool.connect();
    try {
      await reader.query("BEGIN; LOCK TABLE sync_listing IN ACCESS SHARE MODE");
      const second = await bed.sync();
      expect(second.status).toBe("succeeded");
      expect(second.counts).toMatchObject({ filesSeen: 6_000, created: 0 });
      await reader.query("COMMIT");
      expect(await bed.stagedRuns()).toEqual([{ run_id: second.runId, n: 6_000 }]);
    } finally {
      await reader.query("ROLLBACK").catch(() => undefined);
      reader.release();
    }
  }, 60_000);

  it("fails, applying nothing, when the next sync empties the staging tables before the run applies (its session lost)", async () => {
    const bed = await streamingBed();
    bed.simulator.store.generate(12_000, { seed: 13 });
    expect((await bed.sync()).status).toBe("succeeded");
    const before = await mirrorState(bed.db);

    // A run that lost its session (and so the sync lock) between staging and applying: the next
    // lock holder starts by emptying the staging tables (here once the listing has streamed; the
    // TRUNCATE waits for the COPY in flight, and the run stages its last rows after it).
    const lost = await bed.sync(undefined, async () => {
      await bed.db.query("TRUNCATE sync_listing, sync_seen_invalid");
    });

    expect(lost.status).toBe("failed");
    expect(lost.error).toMatchObject({ code: "staging_lost" });
    expect(lost.error?.message).toMatch(/staged listing is gone \(\d+ of its 12000 files left/);
    expect(await mirrorState(bed.db)).toEqual(before);
    expect(
      await bed.db.query("SELECT error_code FROM sync_runs WHERE id = $1", [lost.runId]),
    ).toEqual([{ error_code: "staging_lost" }]);
    const next = await bed.sync();
    expect(next.status).toBe("succeeded");
    expect(next.counts).toMatchObject({ filesSeen: 12_000, created: 0, disappeared: 0 });
    expect(await mirrorState(bed.db)).toEqual(before);
  }, 60_000);

  it("stages from scratch under a run id used before (sync_runs truncated, ids restarted)", async () => {
    const bed = await streamingBed();
    bed.simulator.store.generate(6_000, { seed: 9 });
    const first = await bed.sync();
    expect(first.status).toBe("succeeded");
    await bed.db.query(
      "TRUNCATE files, file_versions, events, event_deliveries, sync_runs RESTART IDENTITY CASCADE",
    );

    const again = await bed.sync();

    expect(again).toMatchObject({ runId: first.runId, status: "succeeded" });
    expect(again.counts).toMatchObject({ filesSeen: 6_000, created: 6_000 });
  }, 60_000);
});
