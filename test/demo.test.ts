import { describe, expect, it } from "vitest";
import { demoEventTypes } from "../src/demo/index.js";
import { demoEventLines, runDemoProcess, startDemoProcess } from "./helpers/demo-process.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";
import { createTestDatabase } from "./helpers/test-database.js";
import { waitFor } from "./helpers/wait-for.js";

describe("the demo command", () => {
  it("shows every event type through verified webhooks within a 40 s run at speed 3, and exits 0", async () => {
    const db = await createTestDatabase();
    const demo = await runDemoProcess(
      ["--speed", "3", "--duration", "40"],
      { DATABASE_URL: db.url, DATA_DIR: temporaryDirectory("nfs-demo-") },
      70_000,
    );
    const output = `${demo.stdout}\n${demo.stderr}`;
    expect(demo.code, output).toBe(0);
    const lines = demoEventLines(demo.stdout);
    expect(
      demoEventTypes.filter((type) => !lines.has(type)),
      output,
    ).toEqual([]);
    expect(demo.stdout).toContain("every event type showed");
    // The batch outputs were archived before they expired.
    const archived = lines.get("file.archived") ?? [];
    expect(archived.length).toBeGreaterThan(0);
    expect(archived.join("\n")).toContain("batch_support_tickets_output.jsonl archived");
    expect(demo.stdout).not.toContain("did not verify");
    expect(lines.get("file.disappeared")).toEqual([
      expect.stringContaining("reason: deleted"),
      expect.stringContaining("reason: expired"),
    ]);

    // The demo's database tells the same story: every event written was delivered, and the
    // guard kept the API glitch's 30 files (only the expired output is gone).
    const written = await db.query<{ type: string }>("SELECT DISTINCT type FROM events");
    expect(written.map((r) => r.type).sort()).toEqual([...demoEventTypes].sort());
    const deliveries = await db.query<{ status: string; n: number }>(
      "SELECT status, count(*)::int AS n FROM event_deliveries GROUP BY status",
    );
    const events = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM events");
    expect(deliveries).toEqual([{ status: "delivered", n: events[0]?.n }]);
    const files = await db.query<{ status: string; n: number }>(
      "SELECT status, count(*)::int AS n FROM files GROUP BY status ORDER BY status",
    );
    expect(files).toEqual([
      { status: "active", n: 42 },
      { status: "disappeared", n: 1 },
    ]);
  }, 90_000);

  it("stops cleanly on SIGINT with a summary and exit code 0", async () => {
    const db = await createTestDatabase();
    const demo = startDemoProcess(["--speed", "3"], {
      DATABASE_URL: db.url,
      DATA_DIR: temporaryDirectory("nfs-demo-"),
    });
    try {
      await waitFor("the first event line", () => demoEventLines(demo.stdout()).size > 0, {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
    } catch (error) {
      demo.child.kill("SIGKILL");
      throw new Error(`${(error as Error).message}\n${demo.stdout()}\n${demo.stderr()}`);
    }
    expect(await demo.signal("SIGINT"), demo.stderr()).toBe(0);
    expect(demo.stdout()).toContain("Received SIGINT");
    expect(demo.stdout()).toMatch(/Summary after .*\n {2}events received/);
    expect(demo.stdout()).toMatch(/ {2}files: {5}active \d+/);
    expect(await db.query("SELECT 1 FROM sync_runs WHERE status = 'running'")).toEqual([]);
  }, 60_000);

  it("refuses a database that already holds a mirror, with exit code 2", async () => {
    const db = await createTestDatabase();
    await db.query("INSERT INTO sync_runs (trigger, status) VALUES ('manual', 'succeeded')");
    const demo = await runDemoProcess(
      ["--duration", "5"],
      { DATABASE_URL: db.url, DATA_DIR: temporaryDirectory("nfs-demo-") },
      30_000,
    );
    expect(demo.code, demo.stderr).toBe(2);
    expect(demo.stderr).toContain("The demo needs an empty database");
    expect(await db.query("SELECT 1 FROM sync_runs")).toHaveLength(1);
  }, 40_000);

  it("rejects a speed outside its range as a usage error", async () => {
    const demo = await runDemoProcess(["--speed", "50"], {}, 20_000);
    expect(demo.code).toBe(2);
    expect(demo.stderr).toContain("--speed");
  }, 30_000);
});
