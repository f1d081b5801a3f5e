import type { DatabaseHandles } from "../../src/db/open-database.js";
import { type Logger, silentLogger } from "../../src/logging/logger.js";
import { makeNovitaClient } from "../../src/novita/index.js";
import { type Simulator, startSimulator } from "../../src/simulator/index.js";
import { type SyncOutcome, syncOnce } from "../../src/sync/sync-once.js";
import type { SyncSettings } from "../../src/sync/sync-settings.js";
import { closeAfterAll } from "./cleanup.js";
import { fastBackoffSleep } from "./fast-backoff-sleep.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

export const testApiKey = "sk-test-scenario-key";

export const defaultSyncSettings: SyncSettings = {
  disappearanceConfirmations: 1,
  massDisappearanceMin: 10,
  massDisappearanceRatio: 0.5,
  guardConfirmations: 3,
  emitCreatedOnBootstrap: false,
};

/** A row as tests read it: loosely typed, since assertions check the values. */
// biome-ignore lint/suspicious/noExplicitAny: rows from SQL are asserted on, not computed with
export type Row = Record<string, any>;

export interface SyncScenario {
  db: TestDatabase;
  simulator: Simulator;
  /**
   * One sync run against the simulator, as `sync` runs it: on the scenario's database unless
   * `db` (another role's connections, say), logging to `logger` when given.
   */
  sync(options?: {
    force?: boolean;
    settings?: Partial<SyncSettings>;
    logger?: Logger;
    db?: DatabaseHandles;
  }): Promise<SyncOutcome>;
  events(): Promise<{ seq: number; type: string; file_id: string | null; data: Row }[]>;
  file(id: string): Promise<Row | undefined>;
  versions(id: string): Promise<Row[]>;
}

/** A fresh database and a simulator for a test file; both go away after the file's tests. */
export async function startSyncScenario(
  settings: Partial<SyncSettings> = {},
): Promise<SyncScenario> {
  const db = await createTestDatabase();
  const simulator = await startSimulator({ apiKey: testApiKey, seed: 7 });
  closeAfterAll(simulator);
  const client = makeNovitaClient({
    baseUrl: simulator.baseUrl,
    apiKey: testApiKey,
    logger: silentLogger,
    timeoutMs: 2_000,
    retries: 1,
    sleep: fastBackoffSleep,
  });
  return {
    db,
    simulator,
    sync: (options = {}) =>
      syncOnce(
        {
          db: options.db ?? db,
          streamFiles: (sink) => client.streamFiles(sink),
          logger: options.logger ?? silentLogger,
          settings: { ...defaultSyncSettings, ...settings, ...options.settings },
        },
        { trigger: "manual", force: options.force },
      ),
    events: () => db.query("SELECT seq, type, file_id, data FROM events ORDER BY seq") as never,
    file: async (id) => (await db.query("SELECT * FROM files WHERE id = $1", [id]))[0],
    versions: (id) =>
      db.query("SELECT * FROM file_versions WHERE file_id = $1 ORDER BY version", [id]),
  };
}
