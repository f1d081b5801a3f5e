import { describe, expect, it } from "vitest";
import { makeNovitaClient } from "../src/novita/index.js";
import { startSimulator } from "../src/simulator/index.js";
import { syncOnce } from "../src/sync/sync-once.js";
import { closeAfterAll, onCleanup } from "./helpers/cleanup.js";
import { connectDatabase } from "./helpers/connect-database.js";
import { runtimeGrants, useTestRoles } from "./helpers/reliability-roles.js";
import { capturingLogger } from "./helpers/simulator-harness.js";
import { defaultSyncSettings } from "./helpers/sync-scenario.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";

// A run that writes a large share of the mirror (an initial import) vacuums `files` at once, so
// the next runs, which read all of it, do not pay for the new rows' visibility and statistics.

const apiKey = "sk-test-maintenance-key";
const roles = useTestRoles();

async function maintenanceBed(files: number) {
  const db = await createTestDatabase();
  const simulator = closeAfterAll(await startSimulator({ apiKey, seed: 11 }));
  simulator.store.generate(files, { seed: 11 });
  const sync = async (handles: Pick<TestDatabase, "pool" | "prisma"> = db) => {
    const capture = capturingLogger();
    const client = makeNovitaClient({ baseUrl: simulator.baseUrl, apiKey, logger: capture.logger });
    const outcome = await syncOnce(
      {
        db: handles,
        streamFiles: (sink) => client.streamFiles(sink),
        logger: capture.logger,
        settings: defaultSyncSettings,
      },
      { trigger: "manual" },
    );
    const records = capture.records();
    const vacuumed = records.find((r) => String(r.msg).startsWith("vacuumed files"));
    const notVacuumed = records.find((r) => String(r.msg).startsWith("did not vacuum files"));
    return { outcome, vacuumed, notVacuumed };
  };
  /** Manual VACUUMs of files so far, and whether they set its visibility map and statistics. */
  const filesMaintenance = async () => {
    const [row] = await db.query<{ vacuums: number; allVisible: boolean; analyzed: boolean }>(
      `SELECT s.vacuum_count::int AS vacuums, c.relallvisible = c.relpages AND c.relpages > 0 AS "allVisible",
              s.last_analyze IS NOT NULL AS analyzed
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
        WHERE s.relname = 'files'`,
    );
    return row!;
  };
  return { db, simulator, sync, filesMaintenance };
}

describe("sync: maintenance after a large change", () => {
  it("vacuums and analyzes files after an initial import, not after a run that changed a few files", async () => {
    const bed = await maintenanceBed(12_000);
    const before = await bed.filesMaintenance();
    const imported = await bed.sync();
    expect(imported.outcome.status).toBe("succeeded");
    expect(imported.outcome.counts.created).toBe(12_000);
    expect(imported.vacuumed).toMatchObject({ written: 12_000 });
    expect(await bed.filesMaintenance()).toEqual({
      vacuums: before.vacuums + 1,
      allVisible: true,
      analyzed: true,
    });

    const [first, second] = bed.simulator.store.list();
    bed.simulator.store.update(first!.id, { bytes: first!.bytes + 1 });
    bed.simulator.store.remove(second!.id);
    const small = await bed.sync();
    expect(small.outcome.counts).toMatchObject({ updated: 1, disappeared: 1 });
    expect(small.vacuumed).toBeUndefined();
    expect(small.notVacuumed).toBeUndefined();
    expect((await bed.filesMaintenance()).vacuums).toBe(before.vacuums + 1);
  }, 60_000);

  it("leaves the vacuum to autovacuum when the runtime role does not own files: the import still succeeds", async () => {
    const bed = await maintenanceBed(10_000);
    const runtime = await roles.create("nfs_maint");
    for (const grant of runtimeGrants(bed.db.name, runtime.name)) await bed.db.query(grant);
    const asRuntime = connectDatabase(runtime.urlFor(bed.db.url));
    onCleanup(asRuntime.close);
    const imported = await bed.sync(asRuntime);
    expect(imported.outcome.status).toBe("succeeded");
    expect(imported.outcome.counts.created).toBe(10_000);
    expect(imported.vacuumed).toBeUndefined();
    expect(imported.notVacuumed).toMatchObject({ written: 10_000 });
    expect((await bed.filesMaintenance()).vacuums).toBe(0);
    expect(await bed.db.query("SELECT count(*)::int AS n FROM files")).toEqual([{ n: 10_000 }]);
  }, 60_000);
});
