import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, hostileItem, withUniqueIds } from "./helpers/hostile-items.js";
import { syncWith } from "./helpers/reliability-sync.js";
import { capturingLogger } from "./helpers/simulator-harness.js";
import { type SyncScenario, startSyncScenario } from "./helpers/sync-scenario.js";
import { serveWithRawItems } from "./helpers/unstorable-items.js";

const goodIds = ["file-good-0", "file-good-1", "file-good-2", "file-good-3", "file-good-4"];
/** The guard off: files accepted in one case disappear in the next, however many. */
const settings = { massDisappearanceMin: 1_000_000 };
const invalidMessage = "novita file item is invalid; left out of the listing";

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
  for (const id of goodIds) s.simulator.store.add({ id });
});

async function writtenRows(): Promise<{ versions: number; events: number }> {
  const [row] = await s.db.query(
    "SELECT (SELECT count(*) FROM file_versions)::int AS versions, (SELECT count(*) FROM events)::int AS events",
  );
  return row as { versions: number; events: number };
}

/** What the mirror holds for an accepted item, in the item's own terms. */
async function storedAsListed(id: string) {
  const [row] = await s.db.query(
    "SELECT id, object, filename, purpose, bytes::text, metadata::text FROM files WHERE id = $1",
    [id],
  );
  return {
    id: row?.id,
    object: row?.object,
    filename: row?.filename,
    purpose: row?.purpose,
    bytes: Number(row?.bytes),
    metadata: canonicalJson(JSON.parse(String(row?.metadata))),
  };
}

describe("reliability: properties over hostile file items", () => {
  it("applies every good file, counts every rejected item with a reason, stores accepted ones exactly, and writes nothing on a repeat", async () => {
    let caseNumber = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(hostileItem, { minLength: 1, maxLength: 6 }), async (generated) => {
        caseNumber += 1;
        const items = withUniqueIds(generated, `h${caseNumber}-`);
        for (const id of goodIds) s.simulator.store.update(id, { filename: `${id}-${caseNumber}` });
        serveWithRawItems(
          s,
          items.map((item) => JSON.stringify(item)),
        );
        const log = capturingLogger();

        const first = await syncWith(s, { logger: log.logger, settings });
        expect(first.status, first.error?.message).toBe("succeeded");
        const good = await s.db.query(
          "SELECT id, filename FROM files WHERE id = ANY($1) AND status = 'active' ORDER BY id",
          [goodIds],
        );
        expect(good).toEqual(goodIds.map((id) => ({ id, filename: `${id}-${caseNumber}` })));
        expect(first.counts.filesSeen + first.counts.invalid).toBe(goodIds.length + items.length);
        const reasons = log.records().filter((r) => r.msg === invalidMessage);
        expect(reasons).toHaveLength(first.counts.invalid);
        for (const r of reasons) expect(r.problem).toEqual(expect.stringMatching(/\S/));

        // Every item the run accepted is stored exactly as listed: nothing repaired on the way.
        const accepted = new Set(
          (await s.db.query("SELECT id FROM files WHERE id LIKE $1", [`h${caseNumber}-%`])).map(
            (r) => r.id as string,
          ),
        );
        expect(accepted.size).toBe(first.counts.filesSeen - goodIds.length);
        for (const item of items as Record<string, unknown>[]) {
          if (typeof item?.id !== "string" || !accepted.has(item.id)) continue;
          expect(await storedAsListed(item.id)).toEqual({
            id: item.id,
            object: item.object,
            filename: item.filename,
            purpose: item.purpose,
            bytes: item.bytes,
            metadata: canonicalJson(item.metadata ?? {}),
          });
        }

        const before = await writtenRows();
        const second = await syncWith(s, { settings });
        expect(second).toMatchObject({
          status: "succeeded",
          counts: { ...first.counts, created: 0, updated: 0, disappeared: 0, reappeared: 0 },
        });
        expect(await writtenRows()).toEqual(before);
      }),
      { numRuns: 200 },
    );
  }, 300_000);
});
