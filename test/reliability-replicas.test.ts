import { describe, expect, it } from "vitest";
import { mirrorViolations } from "./helpers/reliability-invariants.js";
import { waitFor } from "./helpers/wait-for.js";
import { startWorkerBed } from "./helpers/worker-bed.js";

const busyMessage = "a sync is already running in this process; not starting another";

describe("reliability: three workers on one database", () => {
  it("runs each scheduled fire at most once, never two syncs at a time, and writes each event once while files churn", async () => {
    const bed = await startWorkerBed({ files: 30 });
    const workers = await Promise.all(
      [1, 2, 3].map(() => bed.start({ SYNC_ON_START: "false", SYNC_SCHEDULE: "* * * * * *" })),
    );
    let churned = 0;
    const churn = setInterval(() => {
      const [first, second] = bed.simulator.store.list();
      bed.simulator.store.add({ id: `file-churn-${churned++}` });
      if (first !== undefined) bed.simulator.store.update(first.id, { bytes: first.bytes + 1 });
      if (second !== undefined && churned % 3 === 0) bed.simulator.store.remove(second.id);
    }, 300);
    try {
      await waitFor(
        "twelve scheduled runs",
        async () => (await bed.runs()).filter((r) => r.trigger === "cron").length >= 12,
        { timeoutMs: 40_000, intervalMs: 250 },
      );
    } finally {
      clearInterval(churn);
    }
    const lastChangeRun = (await bed.runs()).at(-1)!.id;
    await waitFor(
      "a run that saw the last change",
      async () =>
        (await bed.runs()).some((r) => r.id > lastChangeRun + 1 && r.status === "succeeded"),
      { timeoutMs: 15_000 },
    );
    expect(await Promise.all(workers.map((w) => w.signal("SIGTERM")))).toEqual([0, 0, 0]);

    const runs = (await bed.runs()).filter((r) => r.trigger === "cron");
    const [{ fires }] = (await bed.db.query(
      "SELECT count(*)::int AS fires FROM cron_fires WHERE key LIKE 'sync:%'",
    )) as [{ fires: number }];
    const busy = workers.flatMap((w) => w.logs).filter((l) => l.msg === busyMessage).length;
    // Every claimed fire became exactly one run, unless its claimer was still busy with the last.
    expect(runs.length + busy).toBe(fires);
    expect(runs.length).toBeGreaterThanOrEqual(12);
    const applied = runs.filter((r) => r.status !== "skipped" && r.status !== "failed");
    for (let i = 1; i < applied.length; i++) {
      expect(applied[i]!.started_at.getTime()).toBeGreaterThanOrEqual(
        applied[i - 1]!.finished_at!.getTime(),
      );
    }
    // A fire whose run overlaps a slow previous one is recorded as skipped; nothing else fails.
    expect(runs.filter((r) => r.status !== "succeeded" && r.status !== "skipped")).toEqual([]);

    const mirrored = await bed.db.query<{ id: string }>(
      "SELECT id FROM files WHERE status = 'active' ORDER BY id",
    );
    const listed = bed.simulator.store
      .list()
      .map((f) => f.id)
      .sort();
    expect(mirrored.map((f) => f.id)).toEqual(listed);
    // Only files added after the bootstrap are "created" (one removed before any run saw it, never).
    const created = await bed.db.query<{ file_id: string }>(
      "SELECT file_id FROM events WHERE type = 'file.created'",
    );
    expect(created.length).toBeGreaterThan(0);
    expect(created.filter((e) => !e.file_id.startsWith("file-churn-"))).toEqual([]);
    expect(await mirrorViolations(bed.db)).toEqual([]);
  }, 90_000);
});
