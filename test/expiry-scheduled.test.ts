import { beforeAll, describe, expect, it } from "vitest";
import { makePool } from "../src/db/pool.js";
import { makePrisma } from "../src/db/prisma.js";
import { makeScheduledExpiryScan } from "../src/expiry/make-scheduled-expiry-scan.js";
import { makeLogger, silentLogger } from "../src/logging/logger.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";

const hour = 3_600_000;
const expiresAt = new Date("2030-01-01T12:00:00.000Z");

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.query(
    `INSERT INTO files (id, object, filename, bytes, purpose, created_at, expires_at, metadata,
                        first_seen_at, last_changed_at, last_seen_at)
     VALUES ('file-tick', 'file', 'tick.jsonl', 1, 'batch_output', $1, $2, '{}', $1, $1, $1)`,
    [new Date(expiresAt.getTime() - 3 * 24 * hour), expiresAt],
  );
});

/** A logger whose JSON lines the test reads. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = makeLogger({
    level: "debug",
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}

describe("makeScheduledExpiryScan", () => {
  it("reads the clock per tick and skips a tick that finds the previous scan still running", async () => {
    let now = new Date(expiresAt.getTime() - 2 * hour);
    const tick = makeScheduledExpiryScan({
      db: db.prisma,
      windowsMs: [24 * hour, hour],
      logger: silentLogger,
      now: () => now,
    });
    const [first, overlapping] = await Promise.all([tick(), tick()]);
    expect(first).toMatchObject({ warnings: 1, scannedAt: now });
    expect(overlapping).toBeUndefined();
    now = new Date(expiresAt.getTime() - hour);
    expect(await tick()).toMatchObject({ warnings: 1, scannedAt: now });
    const rows = await db.query<{ window: string }>(
      "SELECT data->>'window' AS window FROM events ORDER BY seq",
    );
    expect(rows).toEqual([{ window: "24h" }, { window: "1h" }]);
  });

  it("logs a failed scan once, with its code, and resolves instead of throwing", async () => {
    const closed = makePool({
      url: db.url,
      poolSize: 1,
      connectTimeoutMs: 2_000,
      statementTimeoutMs: 0,
      idleInTransactionTimeoutMs: 0,
      logger: silentLogger,
    });
    await closed.end();
    const { logger, lines } = capturingLogger();
    const tick = makeScheduledExpiryScan({ db: makePrisma(closed), windowsMs: [hour], logger });
    await expect(tick()).resolves.toBeUndefined();
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "scan_failed" });
    expect(String(errors[0]?.msg)).toContain("Expiry scan failed");
  });
});
