import type { FileStore, SimFile } from "../simulator/index.js";
import type { DemoTiming } from "./demo-timing.js";

/** One change the demo makes to the simulator's files. */
export interface DemoStep {
  /** When the step is due, in seconds after the start at speed 1. */
  at: number;
  /** A condition besides the time, checked until it holds. */
  ready?: () => boolean;
  /** Changes the simulator's files and says what happened, for the demo's output. */
  apply: () => string;
}

/** Files in the simulator before the worker starts: the first sync imports them. */
export const demoStartingFiles = 40;
/** Of those, how many the "API glitch" leaves out of the listing: enough to trip the guard. */
const glitchMissing = 30;
/** A finished batch's output lives this long, at speed 1 (both warning windows fall inside). */
const outputLifetimeSeconds = 50;

/**
 * The story, in order: uploads, a batch output that expires within a minute, a rename, a
 * deletion, a reappearance, an API glitch that trips the mass-disappearance guard, and the
 * expired output going away. Together with the first sync (sync.bootstrapped) and the expiry
 * scans this shows every event type, the last about 70 seconds in at speed 1.
 */
export function makeDemoScript(store: FileStore, timing: DemoTiming): DemoStep[] {
  const older = store.list().slice(0, glitchMissing);
  const lifetime = Math.max(1, Math.round(outputLifetimeSeconds / timing.speed));
  let tickets: SimFile | undefined;
  let prompts: SimFile | undefined;
  let output: SimFile | undefined;
  const copy = (file: SimFile): SimFile => structuredClone(file);

  return [
    {
      at: 10,
      apply: () => {
        tickets = store.add({
          purpose: "batch",
          filename: "support_tickets.jsonl",
          bytes: 48_213,
          metadata: { total_requests: 120 },
        });
        prompts = store.add({
          purpose: "batch",
          filename: "eval_prompts.jsonl",
          bytes: 9_870,
          metadata: { total_requests: 25 },
        });
        return `2 batch input files uploaded: ${tickets.filename}, ${prompts.filename}`;
      },
    },
    {
      at: 15,
      apply: () => {
        const now = store.nowSeconds();
        output = store.add({
          purpose: "batch_output",
          filename: "batch_support_tickets_output.jsonl",
          bytes: 1_204_551,
          created_at: now,
          expires_at: now + lifetime,
          metadata: {},
        });
        return `a batch finished: ${output.filename} expires in ${lifetime}s`;
      },
    },
    {
      at: 22,
      apply: () => {
        const file = required(tickets);
        const before = file.filename;
        store.update(file.id, { filename: "support_tickets_2026-11.jsonl" });
        return `${before} renamed to ${file.filename}`;
      },
    },
    {
      at: 29,
      apply: () => {
        const file = required(prompts);
        store.remove(file.id);
        return `${file.filename} deleted`;
      },
    },
    {
      at: 40,
      apply: () => {
        const file = required(prompts);
        store.add(copy(file));
        return `${file.filename} is listed again`;
      },
    },
    {
      at: 48,
      apply: () => {
        for (const file of older) store.remove(file.id);
        return `an API glitch: the listing misses ${older.length} of the ${demoStartingFiles} older files`;
      },
    },
    {
      // Due at once, but only after a sync has seen the glitch (see runDemoScript), so the
      // files are back long before GUARD_CONFIRMATIONS syncs could confirm them gone.
      at: 48,
      apply: () => {
        for (const file of older) store.add(copy(file));
        return `the listing is complete again: the ${older.length} files are back`;
      },
    },
    {
      at: outputLifetimeSeconds + 16,
      ready: () => store.nowSeconds() > Number(required(output).expires_at),
      apply: () => {
        const file = required(output);
        store.remove(file.id);
        return `Novita deleted the expired ${file.filename}`;
      },
    },
  ];
}

function required(file: SimFile | undefined): SimFile {
  if (file === undefined) throw new Error("the demo script ran a step before the one it needs");
  return file;
}
