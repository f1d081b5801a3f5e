import { describe, expect, it } from "vitest";
import { terminateSyncSession } from "./helpers/sync-lock.js";
import { startSyncScenario } from "./helpers/sync-scenario.js";
import { waitFor } from "./helpers/wait-for.js";

const snapshot = (s: Awaited<ReturnType<typeof startSyncScenario>>) =>
  Promise.all([
    s.db.query("SELECT * FROM files ORDER BY id"),
    s.db.query("SELECT * FROM file_versions ORDER BY file_id, version"),
    s.db.query("SELECT id, type FROM events ORDER BY seq"),
  ]);

describe("sync: failures leave no trace", () => {
  it("rolls back everything when the database fails after the first statements, and records why", async () => {
    const s = await startSyncScenario();
    s.simulator.store.generate(5);
    await s.sync();
    s.simulator.store.add({ id: "file-new" });
    s.simulator.store.update(s.simulator.store.list()[0]!.id, { bytes: 1 });
    s.simulator.store.remove(s.simulator.store.list()[1]!.id);
    const before = await snapshot(s);
    // A real database error in the middle of the run: writing the versions fails after the
    // files rows were already inserted and updated in the same transaction.
    await s.db.query(`CREATE FUNCTION fail_versions() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
    await s.db.query(
      "CREATE TRIGGER fail_versions BEFORE INSERT ON file_versions FOR EACH ROW EXECUTE FUNCTION fail_versions()",
    );
    const failed = await s.sync();
    expect(failed.status).toBe("failed");
    expect(await snapshot(s)).toEqual(before);
    const [run] = await s.db.query("SELECT * FROM sync_runs WHERE id = $1", [failed.runId]);
    expect(run).toMatchObject({ status: "failed", error_code: "database", created: 0 });
    expect(run!.error).toContain("injected failure");

    await s.db.query("DROP TRIGGER fail_versions ON file_versions");
    const next = await s.sync();
    expect(next.status).toBe("succeeded");
    expect(next.counts).toMatchObject({ created: 1, updated: 1, disappeared: 1 });
  });

  it("fails the run with the client's error code when the API keeps failing, changing nothing", async () => {
    const s = await startSyncScenario();
    s.simulator.store.generate(3);
    await s.sync();
    const before = await snapshot(s);
    s.simulator.faults.always({ kind: "status", status: 503 });
    const failed = await s.sync();
    s.simulator.faults.clear();
    expect(failed.status).toBe("failed");
    const [run] = await s.db.query("SELECT error_code, error FROM sync_runs WHERE id = $1", [
      failed.runId,
    ]);
    expect(run!.error_code).toBe("unavailable");
    expect(await snapshot(s)).toEqual(before);
  });

  it("fails on a malformed body instead of treating it as an empty account", async () => {
    const s = await startSyncScenario();
    s.simulator.store.generate(3);
    await s.sync();
    s.simulator.faults.always({ kind: "no-data" });
    const failed = await s.sync();
    s.simulator.faults.clear();
    expect(failed.status).toBe("failed");
    expect(
      (await s.db.query("SELECT count(*)::int AS n FROM files WHERE status = 'active'"))[0]!.n,
    ).toBe(3);
  });
});

describe("sync: concurrency", () => {
  it("runs exactly one of two concurrent syncs; the other is recorded as skipped", async () => {
    const s = await startSyncScenario();
    s.simulator.store.generate(10);
    s.simulator.faults.add({ kind: "delay", delayMs: 500 });
    const outcomes = await Promise.all([s.sync(), s.sync()]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["skipped", "succeeded"]);
    const runs = await s.db.query("SELECT status FROM sync_runs ORDER BY id");
    expect(runs.map((r) => r.status).sort()).toEqual(["skipped", "succeeded"]);
    expect(await s.db.query("SELECT type FROM events")).toEqual([{ type: "sync.bootstrapped" }]);
  });

  it("closes a run left running by a process that died as failed, saying it was abandoned", async () => {
    const s = await startSyncScenario();
    const [dead] = await s.db.query(
      "INSERT INTO sync_runs (trigger, status, started_at) VALUES ('cron', 'running', now() - interval '1 hour') RETURNING id",
    );
    const outcome = await s.sync();
    expect(outcome.status).toBe("succeeded");
    const [row] = await s.db.query(
      "SELECT status, error_code, error FROM sync_runs WHERE id = $1",
      [dead!.id],
    );
    expect(row).toMatchObject({ status: "failed", error_code: "abandoned" });
    expect(row!.error).toMatch(/abandoned/);
  });

  it("fails cleanly when its database connection is killed mid-run, and the next run succeeds", async () => {
    const s = await startSyncScenario();
    s.simulator.store.generate(5);
    s.simulator.faults.add({ kind: "delay", delayMs: 800 });
    const running = s.sync();
    // Kill the run's session (the one holding the sync lock) while it waits for the (delayed)
    // listing.
    await waitFor("the run to ask for the listing", () => s.simulator.requests > 0);
    expect(await terminateSyncSession(s.db)).toBe(1);
    const failed = await running;
    expect(failed.status).toBe("failed");
    expect(await s.db.query("SELECT count(*)::int AS n FROM files")).toEqual([{ n: 0 }]);
    const next = await s.sync();
    expect(next.status).toBe("succeeded");
    expect(next.counts.created).toBe(5);
    const statuses = await s.db.query("SELECT status FROM sync_runs ORDER BY id");
    expect(statuses.map((r) => r.status)).toEqual(["failed", "succeeded"]);
  });
});
