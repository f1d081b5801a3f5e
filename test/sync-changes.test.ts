import { beforeAll, describe, expect, it } from "vitest";
import { type SyncScenario, startSyncScenario } from "./helpers/sync-scenario.js";

describe("sync: creating, changing, disappearing and reappearing files", () => {
  let s: SyncScenario;
  beforeAll(async () => {
    s = await startSyncScenario();
  });

  it("records every file of the first run but emits one sync.bootstrapped event instead of file.created", async () => {
    s.simulator.store.add({ id: "file-a", purpose: "batch", metadata: { total_requests: 5 } });
    s.simulator.store.add({ id: "file-b", purpose: "batch_output", expires_at: 4_000_000_000 });
    s.simulator.store.add({ id: "file-c" });
    const outcome = await s.sync();
    expect(outcome.status).toBe("succeeded");
    expect(outcome.counts).toMatchObject({ filesSeen: 3, created: 3, updated: 0, disappeared: 0 });
    const events = await s.events();
    expect(events.map((e) => e.type)).toEqual(["sync.bootstrapped"]);
    expect(events[0]!.data).toMatchObject({ created: 3, run_id: outcome.runId });
    const a = await s.file("file-a");
    expect(a).toMatchObject({ status: "active", version: 1, total_requests: 5, bytes: 1024 });
    expect(await s.versions("file-a")).toMatchObject([
      { version: 1, change: "created", valid_to: null },
    ]);
    const [run] = await s.db.query("SELECT * FROM sync_runs WHERE id = $1", [outcome.runId]);
    expect(run).toMatchObject({ status: "succeeded", files_seen: 3, created: 3 });
  });

  it("writes nothing for unchanged files on a steady-state run", async () => {
    const before = await s.db.query("SELECT id, xmin::text FROM files ORDER BY id");
    const versionsBefore = await s.db.query("SELECT count(*)::int AS n FROM file_versions");
    const eventsBefore = (await s.events()).length;
    const outcome = await s.sync();
    expect(outcome.counts).toMatchObject({ created: 0, updated: 0, disappeared: 0, reappeared: 0 });
    expect(await s.db.query("SELECT id, xmin::text FROM files ORDER BY id")).toEqual(before);
    expect(await s.db.query("SELECT count(*)::int AS n FROM file_versions")).toEqual(
      versionsBefore,
    );
    expect((await s.events()).length).toBe(eventsBefore);
  });

  it("emits file.created for a file added after the first run", async () => {
    s.simulator.store.add({ id: "file-d", filename: "later.jsonl", bytes: 77 });
    const outcome = await s.sync();
    expect(outcome.counts.created).toBe(1);
    const created = (await s.events()).filter((e) => e.type === "file.created");
    expect(created).toMatchObject([
      {
        file_id: "file-d",
        data: { file: { id: "file-d", filename: "later.jsonl", bytes: 77, version: 1 } },
      },
    ]);
  });

  it.each([
    ["filename", { filename: "renamed.jsonl" }, "file-a.jsonl", "renamed.jsonl"],
    ["bytes", { bytes: 2048 }, 1024, 2048],
    ["purpose", { purpose: "batch_output" }, "batch", "batch_output"],
    ["total_requests", { metadata: { total_requests: 6 } }, 5, 6],
    ["expires_at", { expires_at: 4_100_000_000 }, null, "2099-12-03T16:53:20+00:00"],
  ])(
    "records a change of %s as a new version and a file.updated event with old and new values",
    async (field, patch, oldValue, newValue) => {
      const before = await s.file("file-a");
      s.simulator.store.update("file-a", patch);
      const outcome = await s.sync();
      expect(outcome.counts.updated).toBe(1);
      const after = await s.file("file-a");
      expect(after!.version).toBe(before!.version + 1);
      const versions = await s.versions("file-a");
      expect(versions.filter((v) => v.valid_to === null)).toHaveLength(1);
      expect(versions.at(-1)).toMatchObject({ change: "updated", version: after!.version });
      expect(versions.at(-1)!.changed_fields).toContain(field);
      expect(versions.at(-2)!.valid_to).toEqual(versions.at(-1)!.valid_from);
      const event = (await s.events()).at(-1)!;
      expect(event.type).toBe("file.updated");
      expect(event.data.changes).toContainEqual({ field, old: oldValue, new: newValue });
    },
  );

  it("records a metadata change even when no other field changes", async () => {
    s.simulator.store.update("file-c", { metadata: { total_requests: 10, note: "x" } });
    const outcome = await s.sync();
    expect(outcome.counts.updated).toBe(1);
    const event = (await s.events()).at(-1)!;
    expect(event.data.changes).toEqual([
      { field: "metadata", old: { total_requests: 10 }, new: { total_requests: 10, note: "x" } },
    ]);
  });

  it("marks a file gone from the listing as disappeared, reason deleted, keeping its last seen time", async () => {
    const lastRun = (
      await s.db.query("SELECT max(started_at) AS t FROM sync_runs WHERE status = 'succeeded'")
    )[0]!.t;
    s.simulator.store.remove("file-c");
    const outcome = await s.sync();
    expect(outcome.counts.disappeared).toBe(1);
    const c = await s.file("file-c");
    expect(c).toMatchObject({ status: "disappeared", missed_runs: 1 });
    expect(c!.last_seen_at).toEqual(lastRun);
    expect((await s.versions("file-c")).at(-1)).toMatchObject({
      change: "disappeared",
      status: "disappeared",
    });
    const event = (await s.events()).at(-1)!;
    expect(event).toMatchObject({
      type: "file.disappeared",
      file_id: "file-c",
      data: { reason: "deleted" },
    });
  });

  it("gives reason expired when the file's expires_at has passed", async () => {
    s.simulator.store.add({
      id: "file-old-output",
      purpose: "batch_output",
      expires_at: 1_700_000_000,
    });
    await s.sync();
    s.simulator.store.remove("file-old-output");
    await s.sync();
    const event = (await s.events()).at(-1)!;
    expect(event).toMatchObject({
      type: "file.disappeared",
      file_id: "file-old-output",
      data: { reason: "expired" },
    });
  });

  it("marks a disappeared file that is listed again as reappeared with a new version", async () => {
    s.simulator.store.add({
      id: "file-c",
      filename: "file-c.jsonl",
      metadata: { total_requests: 10, note: "x" },
    });
    const outcome = await s.sync();
    expect(outcome.counts.reappeared).toBe(1);
    const c = await s.file("file-c");
    expect(c).toMatchObject({ status: "active", disappeared_at: null, missed_runs: 0 });
    expect((await s.versions("file-c")).map((v) => v.change)).toEqual([
      "created",
      "updated",
      "disappeared",
      "reappeared",
    ]);
    const event = (await s.events()).at(-1)!;
    expect(event).toMatchObject({ type: "file.reappeared", file_id: "file-c" });
    expect(event.data.disappeared_at).toBeTruthy();
  });

  it("stores names and metadata with tabs, newlines, backslashes and quotes exactly as listed", async () => {
    const filename = 'odd\tname\nwith \\ back\\slash "quoted" \r.jsonl';
    const metadata = { note: 'tab\t newline\n backslash\\ quote" \\N', nested: { n: 1 } };
    s.simulator.store.add({ id: "file-odd", filename, metadata });
    await s.sync();
    expect(await s.file("file-odd")).toMatchObject({ filename, metadata });
    expect((await s.sync()).counts.updated).toBe(0);
  });
});
