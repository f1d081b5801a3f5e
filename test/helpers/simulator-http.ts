import type { Simulator } from "../../src/simulator/simulator-server.js";
import { testApiKey } from "./simulator-harness.js";

/** Calls the simulator's control API; returns status and parsed JSON body. */
export async function control<Body = Record<string, unknown>>(
  sim: Pick<Simulator, "url">,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${sim.url}/_control${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

/** Calls the simulated Novita API with the test key (or `key`). */
export async function api<Body = Record<string, unknown>>(
  sim: Pick<Simulator, "baseUrl">,
  method: string,
  path: string,
  key: string | null = testApiKey,
): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: key === null ? {} : { Authorization: `Bearer ${key}` },
  });
  return { status: response.status, body: (await response.json()) as Body };
}
