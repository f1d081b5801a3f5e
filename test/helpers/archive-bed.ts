import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ArchiveDependencies, archiveOnce } from "../../src/archive/archive-once.js";
import { makeLocalDirectoryStore } from "../../src/archive/stores/local-directory-store.js";
import { silentLogger } from "../../src/logging/logger.js";
import { makeNovitaClient } from "../../src/novita/index.js";
import { fileContentStream } from "../../src/simulator/file-content.js";
import { onCleanup } from "./cleanup.js";
import { fastBackoffSleep } from "./fast-backoff-sleep.js";
import { type SyncScenario, startSyncScenario, testApiKey } from "./sync-scenario.js";

export interface ArchiveBed extends SyncScenario {
  directory: string;
  /** Dependencies of a pass into `directory`; override what a test varies. */
  deps(overrides?: Partial<ArchiveDependencies>): ArchiveDependencies;
  pass(overrides?: Partial<ArchiveDependencies>): ReturnType<typeof archiveOnce>;
  /** archive_records rows, by file id. */
  records(): Promise<Record<string, unknown>[]>;
  /** Every file under the archive directory (relative paths), partial files included. */
  storedFiles(): Promise<string[]>;
}

/** A sync scenario plus a local archive directory; both go away after the file's tests. */
export async function startArchiveBed(): Promise<ArchiveBed> {
  const scenario = await startSyncScenario();
  const directory = await mkdtemp(join(tmpdir(), "nfs-archive-"));
  onCleanup(() => rm(directory, { recursive: true, force: true }));
  const client = makeNovitaClient({
    baseUrl: scenario.simulator.baseUrl,
    apiKey: testApiKey,
    logger: silentLogger,
    timeoutMs: 2_000,
    retries: 2,
    sleep: fastBackoffSleep,
  });
  const deps = (overrides: Partial<ArchiveDependencies> = {}): ArchiveDependencies => ({
    prisma: scenario.db.prisma,
    client,
    store: makeLocalDirectoryStore(directory),
    purposes: ["batch_output"],
    concurrency: 3,
    leaseMs: 60_000,
    logger: silentLogger,
    ...overrides,
  });
  return {
    ...scenario,
    directory,
    deps,
    pass: (overrides) => archiveOnce(deps(overrides)),
    records: () =>
      scenario.db.query(
        `SELECT file_id, version, status, key, size::int, sha256, attempts, last_reason, last_error,
                locked_by, archived_at FROM archive_records ORDER BY file_id, version`,
      ),
    storedFiles: async () =>
      (await readdir(directory, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1))
        .sort(),
  };
}

/** sha256 of what the simulator serves for a file of that size (computed apart from the store). */
export async function expectedSha256(fileId: string, bytes: number): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fileContentStream(fileId, bytes)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export async function sha256Of(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}
