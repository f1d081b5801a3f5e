import { describe, expect, it } from "vitest";
import type { DatabaseHandles } from "../src/db/open-database.js";
import { onCleanup } from "./helpers/cleanup.js";
import { connectDatabase } from "./helpers/connect-database.js";
import { runtimeGrants, useTestRoles } from "./helpers/reliability-roles.js";
import { capturingLogger } from "./helpers/simulator-harness.js";
import { startSyncScenario } from "./helpers/sync-scenario.js";

// A run that writes a large share of the mirror (an initial import) vacuums `files` and
// `file_versions` at once, so the next runs, which read all of `files`, do not pay for the new
// rows' visibility and statistics, nor run beside autovacuum's pass over them.

const roles = useTestRoles();

async function maintenanceBed(files: number) {
  const { db, simulator, sync: syncOnScenario } = await startSyncScenario();
  simulator.store.generate(files, { seed: 11 });
  const sync = async (handles?: DatabaseHandles) => {
    const capture = capturingLogger();
    const outcome = await syncOnScenario({ logger: capture.logger, db: handles });
    const records = capture.records();
    const vacuumed = records.find((r) => String(r.msg).startsWith("vacuumed files and"));
    const notVacuumed = records.find((r) => String(r.msg).startsWith("did not vacuum files and"));
    return { outcome, vacuumed, notVacuumed };
  };
  /**
   * Manual VACUUMs of files and file_versions so far, and whether they set the tables' visibility
   * maps and statistics.
   */
  const mirrorMaintenance = async () =>
    db.query<{ table: string; vacuums: number; allVisible: boolean; analyzed: boolean }>(
      `SELECT s.relname AS table, s.vacuum_count::int AS vacuums,
              c.relallvisible = c.relpages AND c.relpages > 0 AS "allVisible",
              s.last_analyze IS NOT NULL AS analyzed
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
        WHERE s.relname IN ('files', 'file_versions') ORDER BY s.relname`,
    );
  return { db, simulator, sync, mirrorMaintenance };
}

describe("sync: maintenance after a large change", () => {
  it("vacuums and analyzes files and file_versions after an initial import, not after a run that changed a few files", async () => {
    const bed = await maintenanceBed(12_000);
    expect((await bed.mirrorMaintenance()).map((t) => t.vacuums)).toEqual([0, 0]);
    const imported = await bed.sync();
    expect(imported.outcome.status).toBe("succeeded");
    expect(imported.outcome.counts.created).toBe(12_000);
    expect(imported.vacuumed).toMatchObject({ written: 12_000 });
    const vacuumed = await bed.mirrorMaintenance();
    expect(vacuumed).toEqual(
      ["file_versions", "files"].map((table) => ({
        table,
        vacuums: 1,
        allVisible: true,
        analyzed: true,
      })),
    );

    const [first, second] = bed.simulator.store.list();
    bed.simulator.store.update(first!.id, { bytes: first!.bytes + 1 });
    bed.simulator.store.remove(second!.id);
    const small = await bed.sync();
    expect(small.outcome.counts).toMatchObject({ updated: 1, disappeared: 1 });
    expect(small.vacuumed).toBeUndefined();
    expect(small.notVacuumed).toBeUndefined();
    expect(await bed.mirrorMaintenance()).toEqual(vacuumed);
  }, 60_000);

  it("leaves the vacuum to autovacuum when the runtime role does not own the tables: the import still succeeds", async () => {
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
    expect((await bed.mirrorMaintenance()).map((t) => t.vacuums)).toEqual([0, 0]);
    expect(await bed.db.query("SELECT count(*)::int AS n FROM files")).toEqual([{ n: 10_000 }]);
  }, 60_000);
});
