import { seededRandom } from "../../src/simulator/seeded-random.js";
import type { SyncScenario } from "./sync-scenario.js";

/** The fields of a valid item, to which each hostile case adds its one bad value. */
export const validItemFields = {
  object: "file",
  bytes: 1,
  filename: "hostile.jsonl",
  created_at: 1_700_000_000,
  purpose: "batch",
  metadata: {},
};

/** `length` random printable ASCII characters: text PostgreSQL cannot compress. */
export function incompressibleText(length: number, seed = 3): string {
  const random = seededRandom(seed);
  let text = "";
  for (let i = 0; i < length; i += 1) text += String.fromCharCode(33 + Math.floor(random() * 94));
  return text;
}

/** Metadata nested `depth` objects deep, as JSON text (JSON.stringify overflows past ~2,000). */
export function deeplyNestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{}${"}".repeat(depth - 1)}`;
}

/**
 * Each item of issue #11's table: one item PostgreSQL cannot store exactly, and the reason the run
 * must record for it. `item` goes into the simulator's store; `rawItem` is spliced into the body as
 * text (the simulator cannot serialise it).
 */
export const unstorableItems = [
  {
    name: "a filename containing U+0000",
    item: { ...validItemFields, id: "file-nul-filename", filename: "a\u0000b.jsonl" },
    reason: /^filename: contains U\+0000 at position 1/,
  },
  {
    name: "a metadata string containing U+0000",
    item: { ...validItemFields, id: "file-nul-metadata", metadata: { note: "x\u0000y" } },
    reason: /^metadata\.note: contains U\+0000/,
  },
  {
    name: "a metadata string with a lone surrogate",
    item: { ...validItemFields, id: "file-surrogate-metadata", metadata: { note: "x\ud800y" } },
    reason: /^metadata\.note: contains a lone surrogate \(U\+D800\)/,
  },
  {
    name: "an id of 3,000 random characters",
    item: { ...validItemFields, id: incompressibleText(3_000) },
    reason:
      /^the database refused it: index row size \d+ exceeds btree version 4 maximum 2704 for index "files_pkey"/,
  },
  {
    name: "metadata nested 5,000 levels deep",
    rawItem: JSON.stringify({ ...validItemFields, id: "file-deep-metadata", metadata: {} }).replace(
      '"metadata":{}',
      `"metadata":${deeplyNestedJson(5_000)}`,
    ),
    reason: /^metadata(\.a)+: nested deeper than 32 levels/,
  },
  {
    name: "a filename with a lone surrogate (once silently stored as U+FFFD)",
    item: { ...validItemFields, id: "file-surrogate-filename", filename: "x\udc00y.jsonl" },
    reason: /^filename: contains a lone surrogate \(U\+DC00\) at position 1/,
  },
] as const;

export type UnstorableItem = (typeof unstorableItems)[number];

/**
 * Makes the simulator list its store's files followed by `rawItems` (JSON texts), on every
 * request until the next reset. Call again after changing the store.
 */
export function serveWithRawItems(s: SyncScenario, rawItems: readonly string[]): void {
  s.simulator.faults.clear();
  if (rawItems.length === 0) return;
  const listed = s.simulator.store.list().map((file) => JSON.stringify(file));
  const body = `{"code":"200","message":"success","data":[${[...listed, ...rawItems].join(",")}]}`;
  s.simulator.faults.add({ kind: "raw", body, contentType: "application/json" }, "always");
}
