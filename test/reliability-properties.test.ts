import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { isSuccessCode } from "../src/novita/response-code.js";
import type { SyncSettings } from "../src/sync/sync-settings.js";
import { mirrorViolations } from "./helpers/reliability-invariants.js";
import { MirrorModel, type ModelState, type ModelStep } from "./helpers/reliability-model.js";
import { syncWith } from "./helpers/reliability-sync.js";
import type { SyncScenario } from "./helpers/sync-scenario.js";
import { startSyncScenario } from "./helpers/sync-scenario.js";

const ids = ["file-p0", "file-p1", "file-p2", "file-p3", "file-p4", "file-p5"];
const createdAt = 1_700_000_000;

const stateArb: fc.Arbitrary<ModelState> = fc.record({
  bytes: fc.constantFrom(100, 200),
  filename: fc.constantFrom("a.jsonl", "b.jsonl"),
});

/** A listing: each file present (most of the time), absent, or present but invalid. */
const listingArb: fc.Arbitrary<ModelStep> = fc
  .tuple(
    ...ids.map(() =>
      fc.oneof(
        { weight: 8, arbitrary: stateArb },
        { weight: 3, arbitrary: fc.constant("absent" as const) },
        { weight: 2, arbitrary: fc.constant("invalid" as const) },
      ),
    ),
  )
  .map((entries) => {
    const files: Record<string, ModelState> = {};
    const invalid: string[] = [];
    entries.forEach((entry, index) => {
      const id = ids[index]!;
      if (entry === "invalid") invalid.push(id);
      else if (entry !== "absent") files[id] = entry;
    });
    return { kind: "listing", files, invalid };
  });

/** Whether a body would be read as a listing (then it is not garbage). */
function isListing(status: number, body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { data?: unknown; code?: unknown } | null;
    return (
      status === 200 &&
      typeof parsed === "object" &&
      parsed !== null &&
      Array.isArray(parsed.data) &&
      isSuccessCode(parsed.code)
    );
  } catch {
    return false;
  }
}

const garbageArb: fc.Arbitrary<ModelStep> = fc
  .record({
    status: fc.constantFrom(200, 200, 200, 400, 404, 500, 503),
    body: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc.jsonValue({ maxDepth: 3 }).map((data) => JSON.stringify({ code: "200", data })),
      fc.constantFrom("", "null", "[]", "{}", '{"data":null}', '{"code":"500","data":[]}'),
    ),
  })
  .filter(({ status, body }) => !isListing(status, body))
  .map(({ status, body }) => ({ kind: "garbage", status, body }));

const settingsArb: fc.Arbitrary<SyncSettings> = fc.record({
  disappearanceConfirmations: fc.integer({ min: 1, max: 2 }),
  guardConfirmations: fc.integer({ min: 1, max: 3 }),
  massDisappearanceMin: fc.integer({ min: 0, max: 3 }),
  massDisappearanceRatio: fc.constantFrom(0, 0.3, 0.5),
  emitCreatedOnBootstrap: fc.boolean(),
});

let s: SyncScenario;
beforeAll(async () => {
  s = await startSyncScenario();
});

/** A fresh mirror for each generated case: emptying the tables is far cheaper than a database. */
async function emptyMirror(): Promise<void> {
  await s.db.query(
    "TRUNCATE files, file_versions, events, event_deliveries, sync_runs RESTART IDENTITY CASCADE",
  );
  s.simulator.reset();
}

/** Makes the simulator answer `step` on the next list request. */
function serve(step: ModelStep): void {
  s.simulator.reset();
  if (step.kind === "garbage") {
    s.simulator.faults.add({ kind: "raw", status: step.status, body: step.body });
    return;
  }
  for (const [id, state] of Object.entries(step.files)) {
    s.simulator.store.add({ id, ...state, created_at: createdAt, purpose: "batch", metadata: {} });
  }
  for (const id of step.invalid) {
    s.simulator.store.add({ id, bytes: -1, filename: "broken", created_at: createdAt });
  }
}

async function mirror() {
  const files = await s.db.query(
    "SELECT id, status, version, bytes::int, filename, missed_runs FROM files ORDER BY id",
  );
  const versions = await s.db.query(
    "SELECT file_id, change, status, bytes::int, filename FROM file_versions ORDER BY file_id, version",
  );
  const events = await s.db.query("SELECT type, file_id FROM events ORDER BY seq");
  const runs = await s.db.query("SELECT status FROM sync_runs ORDER BY id");
  return { files, versions, events, runs: runs.map((r) => r.status) };
}

function expected(model: MirrorModel) {
  const files = [...model.files.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    files: files.map(([id, f]) => ({
      id,
      status: f.status,
      version: f.version,
      bytes: f.bytes,
      filename: f.filename,
      missed_runs: f.missed,
    })),
    versions: files.flatMap(([id, f]) => f.versions.map((v) => ({ file_id: id, ...v }))),
    events: model.events,
    runs: model.runs,
  };
}

describe("reliability: properties over random API answers", () => {
  it("keeps the mirror equal to a simple model of the same answers: state, versions, events and runs", async () => {
    await fc.assert(
      fc.asyncProperty(
        settingsArb,
        fc.array(
          fc.oneof({ weight: 4, arbitrary: listingArb }, { weight: 1, arbitrary: garbageArb }),
          {
            minLength: 1,
            maxLength: 7,
          },
        ),
        async (settings, steps) => {
          await emptyMirror();
          const model = new MirrorModel(settings);
          for (const step of steps) {
            serve(step);
            const outcome = await syncWith(s, { settings });
            model.apply(step);
            expect(outcome.status).toBe(model.runs.at(-1));
          }
          expect(await mirror()).toEqual(expected(model));
          expect(await mirrorViolations(s.db)).toEqual([]);
        },
      ),
      { numRuns: 30 },
    );
  }, 60_000);

  it("never throws and never marks a file disappeared, whatever garbage the API answers", async () => {
    await emptyMirror();
    for (const id of ids) s.simulator.store.add({ id, created_at: createdAt });
    expect((await syncWith(s)).status).toBe("succeeded");
    await fc.assert(
      fc.asyncProperty(garbageArb, async (step) => {
        serve(step);
        const outcome = await syncWith(s);
        expect(outcome.status).toBe("failed");
        const [row] = await s.db.query(
          "SELECT count(*) FILTER (WHERE status = 'active')::int AS active, max(missed_runs)::int AS missed FROM files",
        );
        expect(row).toEqual({ active: ids.length, missed: 0 });
      }),
      { numRuns: 100 },
    );
    expect(
      await s.db.query("SELECT count(*)::int AS n FROM events WHERE type = 'file.disappeared'"),
    ).toEqual([{ n: 0 }]);
  }, 60_000);
});
