import { beforeAll, describe, expect, it } from "vitest";
import { registerSinks } from "../src/db/tables/event-sinks.js";
import { insertEvent } from "./helpers/events-fixtures.js";
import { type CliResult, runCliProcess } from "./helpers/run-cli.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

function runEvents(args: string[]): Promise<CliResult> {
  return runCliProcess(["events", ...args], { DATABASE_URL: db.url }, { timeoutMs: 20_000 });
}

describe("novita-file-sync events", () => {
  it("lists events with their deliveries, filtered by type, as one line of snake_case JSON and as a table", async () => {
    await registerSinks(db.prisma, ["webhook:example.test/abc123abc123"], new Date());
    const expiring = await insertEvent(db, { type: "file.expiring", fileId: "file-x" });
    await insertEvent(db, { type: "file.created", fileId: "file-y" });

    const json = await runEvents(["list", "--type", "file.expiring", "--json"]);
    expect(json.code).toBe(0);
    expect(json.stdout.trimEnd().split("\n")).toHaveLength(1);
    const listed = JSON.parse(json.stdout);
    expect(listed).toMatchObject({ type: "file.expiring", since: null, limit: 100 });
    expect(listed.events.map((e: { id: string }) => e.id)).toEqual([expiring.id]);
    expect(listed.events[0]).toMatchObject({ file_id: "file-x", type: "file.expiring" });
    expect(listed.events[0].occurred_at).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    expect(listed.events[0].deliveries).toMatchObject([
      {
        sink: "webhook:example.test/abc123abc123",
        status: "pending",
        attempts: 0,
        last_error: null,
      },
    ]);

    const lines = await runEvents(["list", "--since", "1h"]);
    expect(lines.code).toBe(0);
    expect(lines.stdout).toMatch(
      /^2 events since \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC, oldest first:\n\n/,
    );
    expect(lines.stdout).toMatch(/SEQ +OCCURRED \(UTC\) +TYPE +FILE +EVENT ID +DELIVERIES/);
    expect(lines.stdout).toMatch(
      new RegExp(
        `${expiring.seq}  \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}  file\\.expiring +file-x`,
      ),
    );
    expect(lines.stdout).not.toMatch(/T\d{2}:\d{2}:\d{2}\.\d{3}Z/);
  }, 30_000);

  it("redelivers dead deliveries: pending again with attempts 0", async () => {
    const event = await insertEvent(db, { fileId: "file-dead" });
    await db.query(
      "UPDATE event_deliveries SET status = 'dead', attempts = 8, last_error = 'HTTP 500' WHERE event_id = $1",
      [event.id],
    );

    const result = await runEvents(["redeliver", "--dead"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("1 deliveries set to pending");
    const rows = await db.query(
      "SELECT status, attempts FROM event_deliveries WHERE event_id = $1",
      [event.id],
    );
    expect(rows).toEqual([{ status: "pending", attempts: 0 }]);
  }, 30_000);

  it("exits 2 unless exactly one of <id>, --dead or --since is given, or when --since is unreadable", async () => {
    const none = await runEvents(["redeliver"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("exactly one of <id>, --dead or --since");
    const badSince = await runEvents(["redeliver", "--since", "last tuesday"]);
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain("is neither a duration");
  }, 30_000);

  it("lists registered sinks with their backlog", async () => {
    await registerSinks(db.prisma, ["webhook:example.test/abc123abc123"], new Date());
    const result = await runEvents(["sinks"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^SINK +STATUS +PENDING +DEAD +OLDEST PENDING +PAUSED UNTIL \(UTC\)\n/,
    );
    expect(result.stdout).toMatch(/webhook:example\.test\/abc123abc123 {2}active +\d+ +\d+/);
    const json = await runEvents(["sinks", "--json"]);
    expect(JSON.parse(json.stdout).sinks).toContainEqual(
      expect.objectContaining({
        sink: "webhook:example.test/abc123abc123",
        status: "active",
        dead: 0,
      }),
    );
  }, 30_000);

  it("refuses an unknown --type as a usage error that lists the known types", async () => {
    const result = await runEvents(["list", "--type", "file.nope"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("'file.nope' is invalid");
    for (const type of ["file.created", "file.expiring", "sync.guarded"]) {
      expect(result.stderr).toContain(type);
    }
  }, 30_000);
});
