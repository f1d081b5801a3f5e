import { execFileSync } from "node:child_process";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeLocalDirectoryStore } from "../src/archive/stores/local-directory-store.js";
import { scanExpiries } from "../src/expiry/scan-expiries.js";
import { silentLogger } from "../src/logging/logger.js";
import { listExpiringFiles } from "../src/report/list-expiring-files.js";
import {
  type ArchiveBed,
  expectedSha256,
  sha256Of,
  startArchiveBed,
} from "./helpers/archive-bed.js";
import { onCleanup } from "./helpers/cleanup.js";
import { testApiKey } from "./helpers/sync-scenario.js";

let bed: ArchiveBed;

beforeAll(async () => {
  bed = await startArchiveBed();
});

beforeEach(async () => {
  bed.simulator.reset();
  await bed.db.query("TRUNCATE files, events, sync_runs CASCADE");
  await rm(bed.directory, { recursive: true, force: true });
  await mkdir(bed.directory);
});

const failedEvents = async () =>
  (await bed.events()).filter((e) => e.type === "file.archive_failed").map((e) => e.data);

describe("an archiving pass", () => {
  it("archives each selected file once, verified against the listed size and sha256", async () => {
    const output = bed.simulator.store.add({ purpose: "batch_output", bytes: 150_001 });
    const input = bed.simulator.store.add({ purpose: "batch", bytes: 500 });
    await bed.sync();

    const first = await bed.pass();
    const second = await bed.pass();

    expect(first).toMatchObject({ enqueued: 1, archived: 1, failed: 0, bytes: 150_001 });
    expect(second).toMatchObject({ enqueued: 0, archived: 0, failed: 0 });
    const [record] = await bed.records();
    const sha = await expectedSha256(output.id, 150_001);
    expect(record).toMatchObject({
      file_id: output.id,
      status: "archived",
      size: 150_001,
      sha256: sha,
    });
    expect(await sha256Of(join(bed.directory, record?.key as string))).toBe(sha);
    expect(await bed.storedFiles()).toEqual([record?.key]);
    const archived = (await bed.events()).filter((e) => e.type === "file.archived");
    expect(archived.map((e) => e.file_id)).toEqual([output.id]);
    expect(archived[0]?.data).toMatchObject({ store: "local", sha256: sha, bytes: 150_001 });
    expect((await bed.records()).map((r) => r.file_id)).not.toContain(input.id);
  });

  it("does nothing when no purpose is selected", async () => {
    bed.simulator.store.add({ purpose: "batch_output", bytes: 100 });
    await bed.sync();
    expect(await bed.pass({ purposes: [] })).toMatchObject({ enqueued: 0, archived: 0 });
    expect(await bed.records()).toEqual([]);
  });

  it("archives the soonest-to-expire file first", async () => {
    const now = Math.floor(Date.now() / 1000);
    const later = bed.simulator.store.add({ purpose: "batch_output", expires_at: now + 7200 });
    const sooner = bed.simulator.store.add({ purpose: "batch_output", expires_at: now + 600 });
    await bed.sync();
    await bed.pass({ concurrency: 1 });
    const order = (await bed.events())
      .filter((e) => e.type === "file.archived")
      .map((e) => e.file_id);
    expect(order).toEqual([sooner.id, later.id]);
  });

  it("archives a new version of a file again", async () => {
    const file = bed.simulator.store.add({ purpose: "batch_output", bytes: 100 });
    await bed.sync();
    await bed.pass();
    bed.simulator.store.update(file.id, { bytes: 300 });
    await bed.sync();
    await bed.pass();
    const records = await bed.records();
    expect(records.map((r) => [r.version, r.status, r.size])).toEqual([
      [1, "archived", 100],
      [2, "archived", 300],
    ]);
  });

  const badCases = [
    {
      name: "content shorter than listed",
      fault: { kind: "short", by: 10 },
      reason: "short_content",
    },
    { name: "content longer than listed", fault: { kind: "long", by: 10 }, reason: "long_content" },
    { name: "a download cut mid-stream", fault: { kind: "cut" }, reason: "cut_mid_stream" },
    {
      name: "a file deleted while downloading",
      fault: { kind: "delete-mid-body" },
      reason: "deleted_while_downloading",
    },
  ] as const;

  for (const bad of badCases) {
    it(`records ${bad.name} as a failure with reason ${bad.reason}, and archives nothing`, async () => {
      const file = bed.simulator.store.add({ purpose: "batch_output", bytes: 80_000 });
      const healthy = bed.simulator.store.add({ purpose: "batch_output", bytes: 1_000 });
      await bed.sync();
      // Every retry of this download misbehaves too (the client retries cut-offs).
      bed.simulator.contentFaults.add({ ...bad.fault, fileId: file.id }, 5);

      const outcome = await bed.pass();

      expect(outcome).toMatchObject({ archived: 1, failed: 1 });
      const record = (await bed.records()).find((r) => r.file_id === file.id);
      expect(record).toMatchObject({
        status: "failed",
        attempts: 1,
        last_reason: bad.reason,
        key: null,
        sha256: null,
      });
      expect(record?.locked_by).toBeNull();
      expect(await bed.storedFiles()).toEqual([expect.stringContaining(healthy.id)]);
      expect(await failedEvents()).toEqual([
        expect.objectContaining({ reason: bad.reason, attempt: 1 }),
      ]);
    });
  }

  it("records a 404 as not_found, and stops retrying once the file has expired", async () => {
    const file = bed.simulator.store.add({ purpose: "batch_output", bytes: 100 });
    await bed.sync();
    const expiresAt = new Date(file.expires_at! * 1000);
    bed.simulator.store.update(file.id, { expires_at: Math.floor(Date.now() / 1000) - 1 });
    // The mirror still believes the old expiry; the pass's clock says it has just passed.
    await bed.pass({ now: () => new Date(expiresAt.getTime() - 1000) });
    let record = (await bed.records())[0];
    expect(record).toMatchObject({ status: "failed", last_reason: "not_found" });
    await bed.db.query("UPDATE files SET expires_at = now() - interval '1 second'");
    await bed.db.query("UPDATE archive_records SET next_attempt_at = now() - interval '1 hour'");
    expect(await bed.pass()).toMatchObject({ archived: 0, failed: 0 });
    record = (await bed.records())[0];
    expect(record).toMatchObject({ attempts: 1 });
  });

  it("retries a download the API refused for a moment within the same pass, as it retries a list page", async () => {
    const file = bed.simulator.store.add({ purpose: "batch_output", bytes: 5_000 });
    await bed.sync();
    bed.simulator.contentFaults
      .add({ kind: "status", status: 503, fileId: file.id })
      .add({ kind: "reset", fileId: file.id });
    expect(await bed.pass()).toMatchObject({ archived: 1, failed: 0 });
    expect((await bed.records())[0]).toMatchObject({ status: "archived", attempts: 1 });
  });

  it("never writes the API key into a recorded failure or an event", async () => {
    const file = bed.simulator.store.add({ purpose: "batch_output", bytes: 5_000 });
    await bed.sync();
    bed.simulator.contentFaults.add({ kind: "status", status: 500, fileId: file.id }, 5);
    expect(await bed.pass()).toMatchObject({ failed: 1 });
    const everything = JSON.stringify([await bed.records(), await bed.events()]);
    expect(everything).toContain("download_failed");
    expect(everything).not.toContain(testApiKey);
  });

  it("retries a failed archive on a later pass and then succeeds", async () => {
    const file = bed.simulator.store.add({ purpose: "batch_output", bytes: 5_000 });
    await bed.sync();
    bed.simulator.contentFaults.add({ kind: "short", fileId: file.id });
    expect(await bed.pass()).toMatchObject({ failed: 1 });
    expect(await bed.pass()).toMatchObject({ archived: 0, failed: 0 });
    const later = new Date(Date.now() + 2 * 3_600_000);
    expect(await bed.pass({ now: () => later })).toMatchObject({ archived: 1 });
    expect((await bed.records())[0]).toMatchObject({
      status: "archived",
      attempts: 2,
      last_reason: "short_content",
    });
  });

  it("stops retrying a file once it has disappeared from the account", async () => {
    const file = bed.simulator.store.add({ purpose: "batch_output", bytes: 5_000 });
    await bed.sync();
    bed.simulator.contentFaults.add({ kind: "status", status: 500, fileId: file.id }, 10);
    expect(await bed.pass()).toMatchObject({ failed: 1 });
    bed.simulator.store.remove(file.id);
    await bed.sync();
    const later = new Date(Date.now() + 2 * 3_600_000);
    expect(await bed.pass({ now: () => later })).toMatchObject({ archived: 0, failed: 0 });
  });

  it("keeps ids that are long or unsafe in a path under distinct keys inside the store", async () => {
    const ids = ["file:a b", "file a:b", `file-${"ab".repeat(2_000)}`];
    for (const id of ids) bed.simulator.store.add({ id, purpose: "batch_output", bytes: 300 });
    await bed.sync();

    expect(await bed.pass()).toMatchObject({ archived: 3, failed: 0 });
    const keys = (await bed.records()).map((r) => String(r.key));
    expect(new Set(keys).size).toBe(3);
    for (const key of keys) {
      expect(key.split("/").every((part) => part.length <= 255 && part !== "..")).toBe(true);
    }
    expect((await bed.storedFiles()).sort()).toEqual([...keys].sort());
    const archived = (await bed.events()).filter((e) => e.type === "file.archived");
    expect(archived.map((e) => e.file_id).sort()).toEqual([...ids].sort());
  });

  it("records a write error of the store with its reason and keeps going", async () => {
    bed.simulator.store.add({ purpose: "batch_output", bytes: 100 });
    await bed.sync();
    // A path below a regular file cannot be created: a real ENOTDIR from the file system.
    const blocker = join(bed.directory, "not-a-directory");
    await writeFile(blocker, "x");
    const outcome = await bed.pass({ store: makeLocalDirectoryStore(join(blocker, "archive")) });
    expect(outcome).toMatchObject({ failed: 1 });
    const record = (await bed.records())[0];
    expect(record).toMatchObject({ last_reason: "write_failed" });
    expect(record?.last_error).toContain("ENOTDIR");
  });
});

// A full disk is a real one: a 64 KiB tmpfs, which only root may mount (CI runs as root).
const isRoot = process.getuid?.() === 0;

describe.runIf(isRoot)("an archive store on a full disk", () => {
  it("records disk_full, leaves no partial or archived file, and archives once there is room", async () => {
    const mountPoint = join(bed.directory, "..", `full-disk-${process.pid}`);
    await mkdir(mountPoint, { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint]);
    onCleanup(async () => {
      execFileSync("umount", ["-l", mountPoint]);
      await rm(mountPoint, { recursive: true, force: true });
    });
    const file = bed.simulator.store.add({ purpose: "batch_output", bytes: 200_000 });
    await bed.sync();

    const outcome = await bed.pass({ store: makeLocalDirectoryStore(mountPoint) });

    expect(outcome).toMatchObject({ archived: 0, failed: 1 });
    const [record] = await bed.records();
    expect(record).toMatchObject({ file_id: file.id, status: "failed", last_reason: "disk_full" });
    expect(record?.last_error).toMatch(/ENOSPC/);
    const leftovers = await readdir(mountPoint, { recursive: true, withFileTypes: true });
    expect(leftovers.filter((entry) => entry.isFile()).map((entry) => entry.name)).toEqual([]);
    const failed = await failedEvents();
    expect(failed).toEqual([expect.objectContaining({ reason: "disk_full", attempt: 1 })]);

    // On a store with room, the next due pass archives it.
    const later = new Date(Date.now() + 2 * 3_600_000);
    expect(await bed.pass({ now: () => later })).toMatchObject({ archived: 1, failed: 0 });
    expect((await bed.records())[0]).toMatchObject({ status: "archived", attempts: 2 });
  });
});

describe("two replicas archiving the same account", () => {
  it("archive each file exactly once between them", async () => {
    const files = Array.from({ length: 12 }, () =>
      bed.simulator.store.add({ purpose: "batch_output", bytes: 20_000 }),
    );
    await bed.sync();
    const [a, b] = await Promise.all([
      bed.pass({ replicaId: "replica-a", concurrency: 3 }),
      bed.pass({ replicaId: "replica-b", concurrency: 3 }),
    ]);
    expect(a.archived + b.archived).toBe(12);
    const archived = (await bed.events()).filter((e) => e.type === "file.archived");
    expect(archived.map((e) => e.file_id).sort()).toEqual(files.map((f) => f.id).sort());
    expect(await bed.storedFiles()).toHaveLength(12);
  });
});

describe("a download longer than the lease", () => {
  it("keeps its claim, so another replica never takes the file over", async () => {
    const file = bed.simulator.store.add({ purpose: "batch_output", bytes: 20_000 });
    await bed.sync();
    // A store that takes 3 s to accept the content (a slow disk or upload), leases of 1 s.
    const local = makeLocalDirectoryStore(bed.directory);
    const slowStore = {
      ...local,
      put: async (...args: Parameters<typeof local.put>) => {
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        return local.put(...args);
      },
    };
    const slow = bed.pass({ replicaId: "replica-slow", leaseMs: 1_000, store: slowStore });
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    const other = await bed.pass({ replicaId: "replica-other", leaseMs: 1_000 });

    expect(other).toMatchObject({ archived: 0, failed: 0 });
    expect(await slow).toMatchObject({ archived: 1, failed: 0 });
    const archived = (await bed.events()).filter((e) => e.type === "file.archived");
    expect(archived.map((e) => e.file_id)).toEqual([file.id]);
    expect((await bed.records())[0]).toMatchObject({ status: "archived", attempts: 1 });
  });
});

describe("expiry warnings and reports", () => {
  it("say whether an expiring file is archived", async () => {
    const soon = Math.floor(Date.now() / 1000) + 1800;
    const archived = bed.simulator.store.add({
      purpose: "batch_output",
      bytes: 100,
      expires_at: soon,
    });
    const missing = bed.simulator.store.add({
      purpose: "batch_output",
      bytes: 100,
      expires_at: soon + 60,
    });
    await bed.sync();
    bed.simulator.contentFaults.add({ kind: "status", status: 404, fileId: missing.id });
    await bed.pass();

    await scanExpiries({ db: bed.db.prisma, windowsMs: [3_600_000], logger: silentLogger });
    const warnings = (await bed.events()).filter((e) => e.type === "file.expiring");
    expect(Object.fromEntries(warnings.map((e) => [e.file_id, e.data.archived]))).toEqual({
      [archived.id]: true,
      [missing.id]: false,
    });
    const report = await listExpiringFiles(bed.db.prisma, { withinMs: 3_600_000 });
    expect(report.files.map((f) => [f.id, f.archived])).toEqual([
      [archived.id, true],
      [missing.id, false],
    ]);
    const view = await bed.db.query(
      "SELECT file_id, status, is_current FROM file_archives ORDER BY file_id",
    );
    expect(view).toEqual(
      expect.arrayContaining([{ file_id: archived.id, status: "archived", is_current: true }]),
    );
  });
});
