import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { silentLogger } from "../src/logging/logger.js";
import { pruneOnce } from "../src/retention/index.js";
import { killAfterAll } from "./helpers/cleanup.js";
import { countOutbox, registerSinks, seedEvents } from "./helpers/outbox-seed.js";
import { createTestDatabase } from "./helpers/test-database.js";
import { waitFor } from "./helpers/wait-for.js";

const day = 86_400_000;
const now = new Date("2031-06-01T00:00:00.000Z");
const entry = fileURLToPath(new URL("./helpers/prune-process-entry.ts", import.meta.url));

it("leaves a consistent outbox when a prune is killed half-way, and the next prune finishes it", async () => {
  const db = await createTestDatabase();
  await registerSinks(db, ["webhook:a", "nats:b"]);
  await seedEvents(db, {
    count: 4_000,
    at: new Date(now.getTime() - 40 * day),
    status: "delivered",
  });
  await seedEvents(db, { count: 50, at: new Date(now.getTime() - 40 * day), status: "pending" });

  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env: { PATH: process.env.PATH, DATABASE_URL: db.url, PRUNE_NOW: now.toISOString() },
    stdio: "ignore",
  });
  killAfterAll(child);
  const exited = new Promise((resolve) => child.on("exit", resolve));
  // Killed once it has deleted some batches (of 10 events), long before it is through.
  await waitFor(
    "the prune to delete some batches",
    async () => (await countOutbox(db)).events < 3_900,
    {
      timeoutMs: 60_000,
      intervalMs: 20,
    },
  );
  child.kill("SIGKILL");
  await exited;

  const afterKill = await countOutbox(db);
  expect(afterKill.events).toBeGreaterThan(50);
  expect(afterKill).toMatchObject({ pending: 100, orphans: 0 });
  // Every event still has both its deliveries: no batch was half-applied.
  const [partial] = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM events e
      WHERE (SELECT count(*) FROM event_deliveries d WHERE d.event_id = e.id) <> 2`,
  );
  expect(Number(partial!.n)).toBe(0);

  const rest = await pruneOnce({
    prisma: db.prisma,
    eventRetentionMs: 30 * day,
    runRetentionMs: 90 * day,
    expiryWindowsMs: [day],
    logger: silentLogger,
    now,
  });
  expect(rest.events).toBe(afterKill.events - 50);
  expect(await countOutbox(db)).toEqual({ events: 50, deliveries: 100, pending: 100, orphans: 0 });
});
