import { describe, expect, it } from "vitest";
import { planDisappearances } from "../src/sync/plan-disappearances.js";
import { defaultSyncSettings, startSyncScenario } from "./helpers/sync-scenario.js";

const active = async (s: Awaited<ReturnType<typeof startSyncScenario>>) =>
  (await s.db.query("SELECT count(*)::int AS n FROM files WHERE status = 'active'"))[0]!.n;

describe("sync: the mass-disappearance guard", () => {
  it("holds back a mass disappearance, still upserts seen files, and accepts it after GUARD_CONFIRMATIONS runs", async () => {
    const s = await startSyncScenario();
    s.simulator.store.generate(40);
    await s.sync();
    const ids = s.simulator.store.list().map((f) => f.id);
    for (const id of ids.slice(0, 25)) s.simulator.store.remove(id);
    s.simulator.store.update(ids[30]!, { filename: "still-here-renamed.jsonl" });

    const first = await s.sync();
    expect(first.status).toBe("guarded");
    expect(first.counts).toMatchObject({ disappeared: 0, guarded: 25, updated: 1 });
    expect(await active(s)).toBe(40);
    const guardedEvents = (await s.events()).filter((e) => e.type === "sync.guarded");
    expect(guardedEvents).toHaveLength(1);
    expect(guardedEvents[0]!.data).toMatchObject({
      would_disappear: 25,
      threshold: 20,
      held_back: 25,
    });
    expect(await s.file(ids[0]!)).toMatchObject({ status: "active", missed_runs: 1 });

    expect((await s.sync()).status).toBe("guarded");
    const third = await s.sync();
    expect(third.status).toBe("succeeded");
    expect(third.counts.disappeared).toBe(25);
    expect(await active(s)).toBe(15);
  });

  it("accepts a mass disappearance at once with --force", async () => {
    const s = await startSyncScenario();
    s.simulator.store.generate(30);
    await s.sync();
    for (const file of s.simulator.store.list().slice(0, 20)) s.simulator.store.remove(file.id);
    const outcome = await s.sync({ force: true });
    expect(outcome.status).toBe("succeeded");
    expect(outcome.counts.disappeared).toBe(20);
    expect((await s.events()).filter((e) => e.type === "file.disappeared")).toHaveLength(20);
  });

  it("never marks a file disappeared when an empty or half listing trips the guard", async () => {
    const s = await startSyncScenario();
    s.simulator.store.generate(30);
    await s.sync();
    s.simulator.faults.add({ kind: "empty" });
    expect((await s.sync()).status).toBe("guarded");
    s.simulator.faults.add({ kind: "missing-half" });
    // Half is not "more than half": with the default ratio, a lower ratio is what guards it.
    expect((await s.sync({ settings: { massDisappearanceRatio: 0.4 } })).status).toBe("guarded");
    expect(await active(s)).toBe(30);
    // A complete listing afterwards resets every miss count.
    expect((await s.sync()).status).toBe("succeeded");
    expect((await s.db.query("SELECT max(missed_runs)::int AS m FROM files"))[0]!.m).toBe(0);
  });
});

describe("sync: what counts as seen", () => {
  it("treats a file that comes back invalid as seen, never disappeared, and counts it", async () => {
    const s = await startSyncScenario();
    s.simulator.store.add({ id: "file-will-break" });
    s.simulator.store.add({ id: "file-fine" });
    await s.sync();
    s.simulator.store.update("file-will-break", { bytes: -1 });
    const outcome = await s.sync();
    expect(outcome.status).toBe("succeeded");
    expect(outcome.counts).toMatchObject({ invalid: 1, disappeared: 0, filesSeen: 1 });
    expect(await s.file("file-will-break")).toMatchObject({
      status: "active",
      missed_runs: 0,
      bytes: 1024,
    });
    const [run] = await s.db.query("SELECT invalid FROM sync_runs WHERE id = $1", [outcome.runId]);
    expect(run!.invalid).toBe(1);
  });

  it("waits for DISAPPEARANCE_CONFIRMATIONS consecutive listings before marking a file disappeared", async () => {
    const s = await startSyncScenario({ disappearanceConfirmations: 2 });
    s.simulator.store.add({ id: "file-flaky" });
    s.simulator.store.add({ id: "file-steady" });
    await s.sync();
    s.simulator.store.remove("file-flaky");
    expect((await s.sync()).counts.disappeared).toBe(0);
    expect(await s.file("file-flaky")).toMatchObject({ status: "active", missed_runs: 1 });
    s.simulator.store.add({ id: "file-flaky" });
    await s.sync();
    expect(await s.file("file-flaky")).toMatchObject({ status: "active", missed_runs: 0 });
    s.simulator.store.remove("file-flaky");
    await s.sync();
    expect((await s.sync()).counts.disappeared).toBe(1);
    expect((await s.events()).filter((e) => e.type === "file.reappeared")).toHaveLength(0);
  });
});

describe("planDisappearances", () => {
  it("uses max(MIN, RATIO × active) as the threshold and holds back only unconfirmed files", () => {
    const settings = { ...defaultSyncSettings };
    expect(
      planDisappearances(
        { activeFiles: 100, candidates: 50, confirmedPastGuard: 0 },
        settings,
        false,
      ),
    ).toMatchObject({
      guarded: false,
      threshold: 50,
    });
    expect(
      planDisappearances(
        { activeFiles: 100, candidates: 51, confirmedPastGuard: 11 },
        settings,
        false,
      ),
    ).toEqual({
      guarded: true,
      held: 40,
      threshold: 50,
      acceptFromMisses: 3,
    });
    expect(
      planDisappearances({ activeFiles: 4, candidates: 4, confirmedPastGuard: 0 }, settings, false)
        .guarded,
    ).toBe(false);
    expect(
      planDisappearances(
        { activeFiles: 100, candidates: 90, confirmedPastGuard: 0 },
        settings,
        true,
      ).guarded,
    ).toBe(false);
  });
});
