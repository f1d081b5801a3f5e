import { afterAll, beforeAll, beforeEach } from "vitest";
import { makeLogger, silentLogger } from "../../src/logging/logger.js";
import {
  makeNovitaClient,
  type NovitaClient,
  type NovitaClientOptions,
} from "../../src/novita/make-novita-client.js";
import { NovitaError } from "../../src/novita/novita-error.js";
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from "../../src/simulator/simulator-server.js";
import { fastBackoffSleep } from "./fast-backoff-sleep.js";

/** The key the simulator accepts; a recognisable canary for leak checks. */
export const testApiKey = "sk-canary-7Qx9-ZZTOPSECRET-4e1b";

/**
 * Starts one simulator for the test file and resets its files and faults before each test.
 * Read `.sim` inside tests (it is set in beforeAll).
 */
export function useSimulator(options: Partial<SimulatorOptions> = {}): { sim: Simulator } {
  const holder = {} as { sim: Simulator };
  beforeAll(async () => {
    holder.sim = await startSimulator({ apiKey: testApiKey, seed: 1, ...options });
  });
  beforeEach(() => {
    holder.sim.reset();
  });
  afterAll(async () => {
    await holder.sim?.close();
  });
  return holder;
}

/** A client with small, fast retry settings, pointed at the simulator. */
export function testClient(
  sim: Pick<Simulator, "baseUrl">,
  overrides: Partial<NovitaClientOptions> = {},
): NovitaClient {
  return makeNovitaClient({
    baseUrl: sim.baseUrl,
    apiKey: testApiKey,
    timeoutMs: 2_000,
    deadlineMs: 10_000,
    retries: 3,
    maxResponseBytes: 256 * 1024 * 1024,
    maxPages: 100,
    sleep: fastBackoffSleep,
    maxRetryAfterMs: 2_000,
    logger: silentLogger,
    ...overrides,
  });
}

/** The NovitaError a listing failed with; fails the test if it succeeded or threw something else. */
export async function listingFailure(client: NovitaClient): Promise<NovitaError> {
  try {
    const listing = await client.listFiles();
    throw new Error(`expected the listing to fail, got ${listing.files.length} files`);
  } catch (error) {
    if (error instanceof NovitaError) return error;
    throw error;
  }
}

/** A real pino logger (no secret scrubbing) whose JSON lines are kept for inspection. */
export function capturingLogger() {
  const lines: string[] = [];
  const logger = makeLogger({
    level: "trace",
    pretty: false,
    destination: { write: (line) => lines.push(line) },
  });
  return {
    logger,
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
