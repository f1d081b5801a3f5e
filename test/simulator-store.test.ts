import { describe, expect, it } from "vitest";
import { FaultPlan } from "../src/simulator/fault-plan.js";
import { FileStore, FileStoreError } from "../src/simulator/file-store.js";
import { generateFiles } from "../src/simulator/generate-files.js";

const nowMs = Date.UTC(2025, 5, 1);
const nowSeconds = nowMs / 1000;

describe("the simulator's file store", () => {
  it("fills defaults by purpose: inputs get total_requests, outputs an expiry", () => {
    const store = new FileStore({ now: () => nowMs, seed: 1 });
    const input = store.add();
    const output = store.add({ purpose: "batch_output", bytes: 9 });
    expect(input).toMatchObject({ object: "file", purpose: "batch", created_at: nowSeconds });
    expect(input.id).toMatch(/^file-[0-9a-f]{24}$/);
    expect(input.metadata).toEqual({ total_requests: 10 });
    expect(input.expires_at).toBeUndefined();
    expect(output).toMatchObject({ bytes: 9, metadata: {}, expires_at: nowSeconds + 30 * 86_400 });
  });

  it("updates, moves and clears expiry, and removes files", () => {
    const store = new FileStore({ now: () => nowMs });
    const file = store.add({ id: "f1", purpose: "batch_output" });
    store.setExpiry("f1", nowSeconds + 60);
    store.moveExpiry("f1", -30);
    expect(store.get("f1")?.expires_at).toBe(nowSeconds + 30);
    store.update("f1", { filename: "renamed.jsonl", id: "ignored" });
    expect(store.get("f1")).toMatchObject({ id: "f1", filename: "renamed.jsonl" });
    store.setExpiry("f1", null);
    expect("expires_at" in file).toBe(false);
    expect(store.remove("f1")).toBe(true);
    expect(store.remove("f1")).toBe(false);
    expect(store.size).toBe(0);
  });

  it("refuses duplicate ids and changes to missing files", () => {
    const store = new FileStore();
    store.add({ id: "f1" });
    expect(() => store.add({ id: "f1" })).toThrow(FileStoreError);
    expect(() => store.update("nope", {})).toThrow(/no file nope/);
    expect(() => store.moveExpiry("f1", 10)).toThrow(/no expires_at/);
  });

  it("lists files in insertion order and clears them", () => {
    const store = new FileStore();
    for (const id of ["c", "a", "b"]) store.add({ id });
    expect(store.list().map((f) => f.id)).toEqual(["c", "a", "b"]);
    store.clear();
    expect(store.list()).toEqual([]);
  });
});

describe("generated files", () => {
  it("are the same for the same seed and clock, and differ for another seed", () => {
    const a = generateFiles(200, { seed: 5, nowSeconds });
    expect(generateFiles(200, { seed: 5, nowSeconds })).toEqual(a);
    expect(generateFiles(200, { seed: 6, nowSeconds })).not.toEqual(a);
  });

  it("look like Novita's: both purposes, unique ids, expiries only on outputs", () => {
    const files = generateFiles(2_000, { seed: 9, nowSeconds });
    expect(new Set(files.map((f) => f.id)).size).toBe(2_000);
    const inputs = files.filter((f) => f.purpose === "batch");
    const outputs = files.filter((f) => f.purpose === "batch_output");
    expect(inputs.length).toBeGreaterThan(800);
    expect(outputs.length).toBeGreaterThan(800);
    for (const file of inputs) {
      expect(file.metadata.total_requests).toBeGreaterThan(0);
      expect(file.expires_at).toBeUndefined();
    }
    for (const file of outputs) expect(file.expires_at).toBeGreaterThan(file.created_at);
    expect(outputs.some((f) => (f.expires_at ?? 0) - nowSeconds < 86_400)).toBe(true);
    expect(files.every((f) => f.created_at <= nowSeconds)).toBe(true);
  });

  it("do not reuse ids already in the store", () => {
    const store = new FileStore({ now: () => nowMs });
    store.generate(100, { seed: 1 });
    store.generate(100, { seed: 1 });
    expect(store.size).toBe(200);
  });
});

describe("the fault plan", () => {
  it("applies queued faults in order, each for its number of times", () => {
    const plan = new FaultPlan().add({ kind: "reset" }, 2).add({ kind: "empty" });
    expect([plan.take(), plan.take(), plan.take(), plan.take()].map((f) => f?.kind)).toEqual([
      "reset",
      "reset",
      "empty",
      undefined,
    ]);
  });

  it("keeps an always fault until cleared", () => {
    const plan = new FaultPlan().always({ kind: "html" });
    expect([plan.take(), plan.take()].map((f) => f?.kind)).toEqual(["html", "html"]);
    plan.clear();
    expect(plan.take()).toBeNull();
  });
});
