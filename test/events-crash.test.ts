import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { registerSinks } from "../src/db/tables/event-sinks.js";
import { webhookSinkName } from "../src/events/sinks.js";
import { deliveryRows, insertEvents } from "./helpers/events-fixtures.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";
import { waitFor } from "./helpers/wait-for.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

const script = fileURLToPath(new URL("./helpers/events-dispatcher-process.ts", import.meta.url));
const root = fileURLToPath(new URL("..", import.meta.url));

let db: TestDatabase;
let hook: WebhookReceiver;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await hook?.close();
});

/** Starts the dispatcher process and resolves once it printed "ready". */
function startDispatcherProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: "warn",
      DATABASE_URL: db.url,
      WEBHOOK_URL: hook.url,
      WEBHOOK_SECRET: hook.secret,
      WEBHOOK_TIMEOUT_MS: "5000",
      DISPATCH_BATCH_SIZE: "5",
      DISPATCH_POLL_INTERVAL_MS: "200",
      EVENTS_TEST_LEASE_MS: "1500",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`no "ready" in 15 s: ${stderr}`)), 15_000);
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on("exit", (code) => reject(new Error(`dispatcher exited with ${code}: ${stderr}`)));
  });
}

describe("crash safety", () => {
  it("delivers every event after a dispatcher is killed with SIGKILL mid-delivery and another starts", async () => {
    hook = await startWebhookReceiver();
    hook.answerByDefault({ status: 200, delayMs: 400 });
    // As the dispatcher would on start; the events below must be written after registration.
    await registerSinks(db.prisma, [webhookSinkName(hook.url)], new Date());
    const files = ["f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8"];
    const written = await insertEvents(
      db,
      Array.from({ length: 24 }, (_, i) => ({ fileId: files[i % files.length] })),
    );

    const first = await startDispatcherProcess();
    await waitFor("requests in flight", () => hook.requests.length >= 3, {
      timeoutMs: 10_000,
      intervalMs: 25,
    });
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const inFlight = await db.query("SELECT 1 FROM event_deliveries WHERE locked_by IS NOT NULL");
    expect(inFlight.length).toBeGreaterThan(0); // the killed process left claims behind

    await startDispatcherProcess();
    const allDelivered = async () =>
      (await db.query("SELECT 1 FROM event_deliveries WHERE status <> 'delivered'")).length === 0;
    await waitFor("every delivery to be recorded", allDelivered, {
      timeoutMs: 30_000,
      intervalMs: 25,
    });

    const received = new Set(hook.accepted().map((e) => e.id));
    for (const event of written) expect(received.has(event.id)).toBe(true);
    expect((await deliveryRows(db)).every((r) => r.status === "delivered")).toBe(true);
  }, 60_000);
});
