import { describe, expect, it } from "vitest";
import type { SimFile } from "../src/simulator/sim-file.js";
import { startSimulator } from "../src/simulator/simulator-server.js";
import { testApiKey, useSimulator } from "./helpers/simulator-harness.js";
import { api, control } from "./helpers/simulator-http.js";

const env = useSimulator();

describe("the simulated Novita API", () => {
  it("lists files in Novita's envelope", async () => {
    env.sim.store.add({ id: "f1" });
    const { status, body } = await api(env.sim, "GET", "/files");
    expect(status).toBe(200);
    expect(body).toEqual({ code: "200", message: "success", data: [env.sim.store.get("f1")] });
    expect(env.sim.requests).toBe(1);
  });

  it("answers /healthz with 200 without a key, like the worker, for the image's HEALTHCHECK", async () => {
    const response = await fetch(`${env.sim.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(env.sim.requests).toBe(0);
  });

  it("answers 401 with an error body to a missing or wrong key", async () => {
    for (const key of [null, "sk-wrong"]) {
      const { status, body } = await api(env.sim, "GET", "/files", key);
      expect(status).toBe(401);
      expect(body).toMatchObject({ code: "401", message: expect.any(String) });
    }
  });

  it("gets and deletes single files", async () => {
    env.sim.store.add({ id: "f1" });
    expect((await api(env.sim, "GET", "/files/f1")).body).toMatchObject({ id: "f1" });
    expect((await api(env.sim, "DELETE", "/files/f1")).body).toEqual({
      id: "f1",
      object: "file",
      deleted: true,
    });
    expect((await api(env.sim, "GET", "/files/f1")).status).toBe(404);
  });

  it("pages with has_more, last_id and ?after=", async () => {
    for (const id of ["a", "b", "c"]) env.sim.store.add({ id });
    env.sim.faults.pageSize = 2;
    const first = (await api<unknown>(env.sim, "GET", "/files")).body;
    expect(first).toMatchObject({ has_more: true, last_id: "b", first_id: "a" });
    const second = (await api<unknown>(env.sim, "GET", "/files?after=b")).body;
    expect(second).toMatchObject({ has_more: false, last_id: "c", data: [{ id: "c" }] });
    expect((await api(env.sim, "GET", "/files?after=zz")).status).toBe(400);
  });

  it("serves half the files, looking complete, under missing-half", async () => {
    env.sim.store.generate(10);
    env.sim.faults.add({ kind: "missing-half" });
    const { body } = await api<{ code: string; data: unknown[] }>(env.sim, "GET", "/files");
    expect(body.data).toHaveLength(5);
    expect(body.code).toBe("200");
  });

  it("sends Retry-After with a status fault", async () => {
    env.sim.faults.add({ kind: "status", status: 429, retryAfter: 7 });
    const response = await fetch(`${env.sim.baseUrl}/files`, {
      headers: { Authorization: `Bearer ${testApiKey}` },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    await response.body?.cancel();
  });

  it("generates files at start, deterministically for a seed", async () => {
    const now = () => Date.UTC(2025, 0, 1);
    const a = await startSimulator({ apiKey: testApiKey, files: 50, seed: 4, now });
    const b = await startSimulator({ apiKey: testApiKey, files: 50, seed: 4, now });
    try {
      expect(a.store.size).toBe(50);
      expect(a.store.list()).toEqual(b.store.list());
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("the control API", () => {
  it("adds, patches, moves expiry of, and removes files", async () => {
    const added = await control<{ data: SimFile[] }>(env.sim, "POST", "/files", [
      { id: "f1", purpose: "batch_output" },
      { id: "f2" },
    ]);
    expect(added.status).toBe(201);
    expect(added.body.data).toHaveLength(2);
    await control(env.sim, "PATCH", "/files/f2", { bytes: 77 });
    expect(env.sim.store.get("f2")?.bytes).toBe(77);
    await control(env.sim, "POST", "/files/f1/expiry", { expires_at: 1_000 });
    const moved = await control<SimFile>(env.sim, "POST", "/files/f1/expiry", { delta_seconds: 5 });
    expect(moved.body.expires_at).toBe(1_005);
    expect((await control(env.sim, "DELETE", "/files/f1")).body).toEqual({ removed: true });
    expect(
      (await control<{ data: SimFile[] }>(env.sim, "GET", "/files")).body.data.map((f) => f.id),
    ).toEqual(["f2"]);
    expect((await control(env.sim, "DELETE", "/files")).body).toEqual({ removed: 1 });
  });

  it("answers 404 for missing files, 409 for duplicates and 400 for bad bodies", async () => {
    await control(env.sim, "POST", "/files", { id: "f1" });
    expect((await control(env.sim, "PATCH", "/files/nope", {})).status).toBe(404);
    expect((await control(env.sim, "POST", "/files", { id: "f1" })).status).toBe(409);
    expect((await control(env.sim, "POST", "/generate", { count: -1 })).status).toBe(400);
    expect((await control(env.sim, "POST", "/faults", { fault: { kind: "nope" } })).status).toBe(
      400,
    );
    expect((await control(env.sim, "GET", "/nowhere")).status).toBe(404);
  });

  it("generates files, queues faults, sets pagination and reports state", async () => {
    await control(env.sim, "POST", "/generate", { count: 30, seed: 2 });
    await control(env.sim, "POST", "/faults", { fault: { kind: "status", status: 503 }, times: 2 });
    await control(env.sim, "PUT", "/pagination", { pageSize: 10 });
    expect((await api(env.sim, "GET", "/files")).status).toBe(503);
    const state = await control<{ queue: unknown }>(env.sim, "GET", "/state");
    expect(state.body).toMatchObject({ files: 30, requests: 1, pageSize: 10 });
    expect(state.body.queue).toEqual([{ fault: { kind: "status", status: 503 }, remaining: 1 }]);
    await control(env.sim, "DELETE", "/faults");
    expect((await api<{ data: unknown[] }>(env.sim, "GET", "/files")).body.data).toHaveLength(10);
    await control(env.sim, "POST", "/reset");
    expect((await control(env.sim, "GET", "/state")).body).toMatchObject({ files: 0, requests: 0 });
  });

  it("accepts a delayed fault with an always count", async () => {
    await control(env.sim, "POST", "/faults", {
      fault: { kind: "empty", delayMs: 50 },
      times: "always",
    });
    const started = performance.now();
    expect((await api<{ data: unknown[] }>(env.sim, "GET", "/files")).body.data).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});
