import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { onCleanup } from "./helpers/cleanup.js";
import { waitFor } from "./helpers/wait-for.js";
import { startWorkerBed } from "./helpers/worker-bed.js";

describe("the worker with ARCHIVE_PURPOSES set", () => {
  it("archives the batch outputs after its sync and stops cleanly", async () => {
    const bed = await startWorkerBed({ files: 0 });
    const outputs = [1, 2, 3].map(() =>
      bed.simulator.store.add({ purpose: "batch_output", bytes: 30_000 }),
    );
    bed.simulator.store.add({ purpose: "batch", bytes: 30_000 });
    const directory = await mkdtemp(join(tmpdir(), "nfs-archive-worker-"));
    onCleanup(() => rm(directory, { recursive: true, force: true }));
    const worker = await bed.start({
      SYNC_SCHEDULE: "0 0 1 1 *",
      ARCHIVE_PURPOSES: "batch_output",
      ARCHIVE_DIR: directory,
      ARCHIVE_SCHEDULE: "0 0 1 1 *",
    });

    const rows = await waitFor(
      "three archived files",
      async () => {
        const archived = await bed.db.query(
          "SELECT file_id FROM archive_records WHERE status = 'archived' ORDER BY file_id",
        );
        return archived.length === 3 ? archived : null;
      },
      { timeoutMs: 30_000 },
    );
    expect(rows.map((r) => r.file_id)).toEqual(outputs.map((f) => f.id).sort());
    expect(await readdir(directory)).toHaveLength(3);
    const metrics = (await worker.get("/metrics")).body;
    expect(metrics).toMatch(/^novita_file_sync_archived_files\{status="archived"\} 3$/m);
    expect(metrics).toMatch(/^novita_file_sync_archived_bytes 90000$/m);
    expect(metrics).toMatch(/^novita_file_sync_files_at_risk 0$/m);
    expect(await worker.signal("SIGTERM")).toBe(0);
  });
});
