import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { type ArchiveBed, startArchiveBed } from "./helpers/archive-bed.js";
import { killAfterAll } from "./helpers/cleanup.js";
import { testApiKey } from "./helpers/sync-scenario.js";
import { waitFor } from "./helpers/wait-for.js";

const entry = fileURLToPath(new URL("./helpers/cli-entry.ts", import.meta.url));
const root = fileURLToPath(new URL("..", import.meta.url));

let bed: ArchiveBed;

beforeAll(async () => {
  bed = await startArchiveBed();
});

describe("a process killed mid-download", () => {
  it("leaves no archive that claims success, and the next run finishes it", async () => {
    const file = bed.simulator.store.add({ purpose: "batch_output", bytes: 400_000 });
    await bed.sync();
    // The body stops half-way and the connection stays open: the download is in flight.
    bed.simulator.contentFaults.add({ kind: "stall", fileId: file.id });
    const child = spawn(process.execPath, ["--import", "tsx", entry, "archive", "--no-migrate"], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LOG_LEVEL: "silent",
        DATABASE_URL: bed.db.url,
        NOVITA_API_KEY: testApiKey,
        NOVITA_BASE_URL: bed.simulator.baseUrl,
        NOVITA_TIMEOUT_MS: "60000",
        ARCHIVE_PURPOSES: "batch_output",
        ARCHIVE_DIR: bed.directory,
        ARCHIVE_LEASE: "10m",
      },
      stdio: "ignore",
    });
    killAfterAll(child);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await waitFor(
      "a partial file in the archive directory",
      async () => (await bed.storedFiles()).some((name) => name.includes(".partial-")),
      { timeoutMs: 20_000 },
    );
    child.kill("SIGKILL");
    await exited;

    const [held] = await bed.records();
    expect(held).toMatchObject({ status: "pending", key: null, sha256: null, archived_at: null });
    expect(held?.locked_by).not.toBeNull();
    expect((await bed.storedFiles()).every((name) => name.includes(".partial-"))).toBe(true);
    expect((await bed.events()).filter((e) => e.type === "file.archived")).toEqual([]);

    // Before the lease runs out nobody takes the file over; after it the next run does.
    expect(await bed.pass()).toMatchObject({ archived: 0 });
    const afterLease = new Date(Date.now() + 11 * 60_000);
    expect(await bed.pass({ now: () => afterLease })).toMatchObject({ archived: 1, failed: 0 });
    const [done] = await bed.records();
    expect(done).toMatchObject({ status: "archived", size: 400_000, attempts: 1 });
    expect(await bed.storedFiles()).toEqual([done?.key]);
  });
});
