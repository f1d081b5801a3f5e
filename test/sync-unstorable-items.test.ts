import pg from "pg";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { copyListing } from "../src/db/stage-listing.js";
import type { NovitaFile } from "../src/novita/index.js";
import { describeDataError } from "../src/sync/listing-data-errors.js";
import { onCleanup } from "./helpers/cleanup.js";
import { mirrorViolations } from "./helpers/reliability-invariants.js";
import { syncWith } from "./helpers/reliability-sync.js";
import { runCliProcess } from "./helpers/run-cli.js";
import { capturingLogger } from "./helpers/simulator-harness.js";
import { type SyncScenario, startSyncScenario, testApiKey } from "./helpers/sync-scenario.js";
import {
  serveWithRawItems,
  type UnstorableItem,
  unstorableItems,
} from "./helpers/unstorable-items.js";
import { waitFor } from "./helpers/wait-for.js";

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});
beforeEach(async () => {
  await s.db.query(
    "TRUNCATE files, file_versions, events, event_deliveries, sync_runs RESTART IDENTITY CASCADE",
  );
  s.simulator.reset();
});

const invalidMessage = "novita file item is invalid; left out of the listing";

/** Lists the store's files with the hostile item last (index 100 of page 1 after 100 files). */
function serve(hostile: UnstorableItem): void {
  if ("item" in hostile && s.simulator.store.get(hostile.item.id) === undefined) {
    s.simulator.store.add(structuredClone(hostile.item));
  }
  serveWithRawItems(s, "rawItem" in hostile ? [hostile.rawItem] : []);
}

async function mirroredIds(): Promise<string[]> {
  const rows = await s.db.query("SELECT id FROM files WHERE status = 'active' ORDER BY id");
  return rows.map((row) => row.id as string);
}

describe("sync: an item PostgreSQL cannot store never stops the mirror", () => {
  it.each(unstorableItems)(
    "$name, among 100 good files: the run applies them and counts the item invalid with its reason; later runs succeed",
    async (hostile) => {
      const good = s.simulator.store.generate(100, { seed: 11 });
      const goodIds = good.map((file) => file.id).sort();
      serve(hostile);
      const log = capturingLogger();

      const first = await syncWith(s, { logger: log.logger });
      expect(first).toMatchObject({ status: "succeeded", counts: { filesSeen: 100, invalid: 1 } });
      expect(await mirroredIds()).toEqual(goodIds);
      const warnings = log.records().filter((r) => r.msg === invalidMessage);
      expect(warnings).toEqual([
        expect.objectContaining({
          page: 1,
          index: 100,
          problem: expect.stringMatching(hostile.reason),
        }),
      ]);
      const [run] = await s.db.query("SELECT status, invalid, files_seen FROM sync_runs");
      expect(run).toEqual({ status: "succeeded", invalid: 1, files_seen: 100 });

      const again = await syncWith(s);
      expect(again).toMatchObject({
        status: "succeeded",
        counts: { created: 0, updated: 0, disappeared: 0, reappeared: 0, invalid: 1 },
      });

      // Past the bootstrap, with events written for the good files' changes.
      s.simulator.store.update(good[0]!.id, { filename: "renamed.jsonl" });
      s.simulator.store.add({ id: "file-new-after-bootstrap" });
      serve(hostile);
      const third = await syncWith(s);
      expect(third).toMatchObject({
        status: "succeeded",
        counts: { created: 1, updated: 1, disappeared: 0, invalid: 1 },
      });
      expect(await mirrorViolations(s.db)).toEqual([]);
    },
  );

  it("`sync` exits 0 with every item of the table at once, then again on the same listing", async () => {
    s.simulator.store.generate(100, { seed: 12 });
    for (const hostile of unstorableItems) {
      if ("item" in hostile) s.simulator.store.add(structuredClone(hostile.item));
    }
    serveWithRawItems(
      s,
      unstorableItems.flatMap((hostile) => ("rawItem" in hostile ? [hostile.rawItem] : [])),
    );
    const env = {
      DATABASE_URL: s.db.url,
      NOVITA_BASE_URL: s.simulator.baseUrl,
      NOVITA_API_KEY: testApiKey,
      NOVITA_RETRIES: "0",
    };
    for (let run = 1; run <= 2; run += 1) {
      const sync = await runCliProcess(["sync"], env);
      expect(sync.code, sync.stderr + sync.stdout).toBe(0);
    }
    const runs = await s.db.query("SELECT status, files_seen, invalid FROM sync_runs ORDER BY id");
    const expected = { status: "succeeded", files_seen: 100, invalid: unstorableItems.length };
    expect(runs).toEqual([expected, expected]);
  });

  it("mirrors a file with a 6,000-character id as it appears, changes and disappears; NOTIFY leaves its id out", async () => {
    // 11,995 bytes in UTF-8: more than a NOTIFY payload holds, yet it compresses into a btree key.
    const longId = `file-${"ü".repeat(5_995)}`;
    s.simulator.store.generate(20, { seed: 13 });
    expect((await syncWith(s)).status).toBe("succeeded");
    const heard = await listenToEvents();

    s.simulator.store.add({ id: longId, filename: "long.jsonl" });
    expect(await syncWith(s)).toMatchObject({ status: "succeeded", counts: { created: 1 } });
    s.simulator.store.update(longId, { filename: "longer.jsonl" });
    expect(await syncWith(s)).toMatchObject({ status: "succeeded", counts: { updated: 1 } });
    s.simulator.store.remove(longId);
    expect(await syncWith(s)).toMatchObject({ status: "succeeded", counts: { disappeared: 1 } });

    expect(await s.versions(longId)).toMatchObject([
      { change: "created", filename: "long.jsonl" },
      { change: "updated", filename: "longer.jsonl" },
      { change: "disappeared", status: "disappeared" },
    ]);
    const events = await s.db.query("SELECT id, type FROM events WHERE file_id = $1 ORDER BY seq", [
      longId,
    ]);
    expect(events.map((e) => e.type)).toEqual(["file.created", "file.updated", "file.disappeared"]);
    const notified = await waitFor("three notifications", () =>
      heard.length >= 3 ? heard : undefined,
    );
    expect(notified).toEqual(
      events.map((e) => ({
        id: e.id,
        seq: expect.any(Number),
        type: e.type,
        file_id: null,
        file_id_omitted: true,
      })),
    );
    // A short id is still in its notification.
    s.simulator.store.add({ id: "file-short" });
    await syncWith(s);
    await waitFor("the short id's notification", () =>
      heard.some((n) => n.file_id === "file-short"),
    );
  });

  it("names the file, the field and its place in the listing when the database refuses a staged value", async () => {
    const file = (id: string, filename: string): NovitaFile => ({
      id,
      object: "file",
      bytes: 1,
      filename,
      createdAt: new Date(0),
      expiresAt: null,
      purpose: "batch",
      totalRequests: null,
      metadata: {},
      extra: {},
      page: 3,
      index: 7,
    });
    const staged = [file("file-fine", "a.jsonl"), file("file-with-nul", "b\u0000.jsonl")];
    const client = await s.db.pool.connect();
    try {
      await client.query("BEGIN");
      const error = await copyListing(client, 1, staged).catch((e: Error) => e);
      await client.query("ROLLBACK");
      expect(error).toBeInstanceOf(Error);
      expect(describeDataError(error as Error, staged).message).toMatch(
        /^the database refused a value \(file "file-with-nul", field filename, page 3 item 7\): invalid byte sequence/,
      );
    } finally {
      client.release();
    }
  });
});

/** LISTENs on the events channel until the file's tests end; returns the payloads heard. */
async function listenToEvents(): Promise<Record<string, unknown>[]> {
  const heard: Record<string, unknown>[] = [];
  const client = new pg.Client({ connectionString: s.db.url });
  await client.connect();
  onCleanup(() => client.end());
  client.on("notification", (message) => heard.push(JSON.parse(message.payload ?? "null")));
  await client.query("LISTEN novita_file_events");
  return heard;
}
