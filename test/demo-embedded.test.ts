import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoEventLines, runDemoProcess, stopLeftoverPostgres } from "./helpers/demo-process.js";

describe("the demo without DATABASE_URL", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nfs-demo-"));
  // As root, the embedded PostgreSQL runs as the `postgres` user, which must reach the directory.
  chmodSync(dataDir, 0o755);
  afterAll(() => {
    stopLeftoverPostgres(join(dataDir, "demo"));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("uses its own embedded PostgreSQL, empties it at every start, and exits 1 naming what never showed", async () => {
    for (const attempt of [1, 2]) {
      const demo = await runDemoProcess(
        ["--speed", "3", "--duration", "4"],
        { DATA_DIR: dataDir },
        60_000,
      );
      const output = `run ${attempt}:\n${demo.stdout}\n${demo.stderr}`;
      // A bootstrap both times: the second run started from an empty mirror again.
      expect(demoEventLines(demo.stdout).get("sync.bootstrapped"), output).toHaveLength(1);
      expect(demo.stdout, output).toContain(join(dataDir, "demo"));
      expect(demo.stdout, output).toMatch(/never showed: .*file\.expired/);
      expect(demo.code, output).toBe(1);
      expect(existsSync(join(dataDir, "demo", "postgres", "postmaster.pid")), output).toBe(false);
    }
  }, 150_000);
});
