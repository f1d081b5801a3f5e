import { beforeAll, describe, expect, it } from "vitest";
import { registerSinks } from "../src/db/tables/event-sinks.js";
import type { ListedEvent } from "../src/db/tables/events.js";
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
  it("lists events with their deliveries, filtered by type, as JSON and as lines", async () => {
    await registerSinks(db.prisma, ["webhook:example.test/abc123abc123"], new Date());
    const expiring = await insertEvent(db, { type: "file.expiring", fileId: "file-x" });
    await insertEvent(db, { type: "file.created", fileId: "file-y" });

    const json = await runEvents(["list", "--type", "file.expiring", "--json"]);
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout) as ListedEvent[];
    expect(listed.map((e) => e.id)).toEqual([expiring.id]);
    expect(listed[0]?.deliveries).toMatchObject([
      { sink: "webhook:example.test/abc123abc123", status: "pending", attempts: 0 },
    ]);

    const lines = await runEvents(["list", "--since", "1h"]);
    expect(lines.code).toBe(0);
    expect(lines.stdout).toContain(`#${expiring.seq}`);
    expect(lines.stdout).toContain("file.created  file-y");
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
    expect(badSince.stderr).toContain("neither a time");
  }, 30_000);

  it("lists registered sinks with their backlog", async () => {
    await registerSinks(db.prisma, ["webhook:example.test/abc123abc123"], new Date());
    const result = await runEvents(["sinks"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/webhook:example\.test\/abc123abc123 {2}active {2}pending \d+/);
  }, 30_000);
});
