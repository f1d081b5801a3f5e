import { describe, expect, it } from "vitest";
import { demoStartingFiles, makeDemoScript } from "../src/demo/demo-script.js";
import { demoTiming } from "../src/demo/demo-timing.js";
import { formatDemoEventLine } from "../src/demo/format-demo-line.js";
import { runDemoScript } from "../src/demo/run-demo-script.js";
import type { CloudEvent } from "../src/events/cloud-event.js";
import { FileStore } from "../src/simulator/index.js";

describe("the demo's timing", () => {
  it("scales the schedules and warning windows with the speed", () => {
    expect(demoTiming(1)).toMatchObject({
      schedule: "*/5 * * * * *",
      warningWindowsMs: [120_000, 30_000],
    });
    expect(demoTiming(3)).toMatchObject({
      schedule: "*/2 * * * * *",
      warningWindowsMs: [40_000, 10_000],
    });
    expect(demoTiming(10).schedule).toBe("*/1 * * * * *");
    expect(demoTiming(3).scaled(30)).toBe(10_000);
    expect(() => demoTiming(50)).toThrow(RangeError);
  });
});

describe("the demo's script", () => {
  it("tells its story on the simulator's files: uploads, expiry, rename, deletion, return, glitch", () => {
    let clock = Date.parse("2026-11-27T10:00:00Z");
    const store = new FileStore({ now: () => clock, seed: 1 });
    store.generate(demoStartingFiles, { seed: 7 });
    const said: string[] = [];
    const sizes: number[] = [];
    for (const step of makeDemoScript(store, demoTiming(1))) {
      while (step.ready !== undefined && !step.ready()) clock += 1_000;
      said.push(step.apply());
      sizes.push(store.size);
    }
    expect(said).toEqual([
      "2 batch input files uploaded: support_tickets.jsonl, eval_prompts.jsonl",
      "a batch finished: batch_support_tickets_output.jsonl expires in 50s",
      "support_tickets.jsonl renamed to support_tickets_2026-11.jsonl",
      "eval_prompts.jsonl deleted",
      "eval_prompts.jsonl is listed again",
      "an API glitch: the listing misses 30 of the 40 older files",
      "the listing is complete again: the 30 files are back",
      "Novita deleted the expired batch_support_tickets_output.jsonl",
    ]);
    expect(sizes).toEqual([42, 43, 43, 42, 43, 13, 43, 42]);
    expect(store.list().map((f) => f.filename)).toEqual(
      expect.arrayContaining(["support_tickets_2026-11.jsonl", "eval_prompts.jsonl"]),
    );
  });

  it("runs a step only once it is due and a listing was served since the previous step", async () => {
    let now = 0;
    let listings = 0;
    const ran: string[] = [];
    const steps = ["first", "second"].map((name) => ({
      at: 1,
      apply: () => {
        ran.push(name);
        return name;
      },
    }));
    const said: string[] = [];
    const done = runDemoScript({
      steps,
      timing: demoTiming(1),
      listings: () => listings,
      say: (text) => said.push(text),
      signal: new AbortController().signal,
      now: () => now,
      pollMs: 1,
    });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    listings = 1;
    await settle();
    expect(ran).toEqual([]); // not due yet
    now = 1_000;
    await settle();
    expect(ran).toEqual(["first"]); // due, but no listing has seen "first" yet
    listings = 2;
    expect(await done).toBe(true);
    expect(said).toEqual(["first", "second"]);
  });

  it("stops between steps when aborted", async () => {
    const controller = new AbortController();
    const done = runDemoScript({
      steps: [{ at: 1_000, apply: () => "never" }],
      timing: demoTiming(1),
      listings: () => 1,
      say: () => {},
      signal: controller.signal,
    });
    controller.abort();
    expect(await done).toBe(false);
  });
});

describe("the demo's event lines", () => {
  const event = (type: string, subject: string | undefined, data: unknown): CloudEvent => ({
    specversion: "1.0",
    id: "0b6f0c52-5d1e-4a8e-9d55-3f0c1d2a7e11",
    source: "urn:novita-file-sync",
    type: `ai.novita.filesync.${type}`,
    ...(subject === undefined ? {} : { subject }),
    time: "2026-11-27T10:00:00.000Z",
    datacontenttype: "application/json",
    seq: 1,
    data,
  });

  it("say in one line what happened, with the type and the file", () => {
    const file = "file-0123456789abcdef01234567";
    const line = (type: string, data: unknown, subject: string | null = file) =>
      formatDemoEventLine(event(type, subject ?? undefined, data), "ai.novita.filesync").slice(10);
    expect(line("file.expiring", { filename: "out.jsonl", seconds_left: 118, window: "2m" })).toBe(
      `file.expiring      ${file}  out.jsonl expires in 1m 58s (2m warning)`,
    );
    expect(
      line("file.updated", {
        file: { filename: "b.jsonl" },
        changes: [{ field: "filename", old: "a.jsonl", new: "b.jsonl" }],
      }),
    ).toContain("b.jsonl: filename a.jsonl -> b.jsonl");
    expect(
      line("file.disappeared", { file: { filename: "out.jsonl" }, reason: "expired" }),
    ).toContain("out.jsonl expired and was removed (reason: expired)");
    expect(
      line("sync.guarded", { would_disappear: 30, threshold: 21, guard_confirmations: 3 }, null),
    ).toMatch(/^sync\.guarded {7}- {30}30 files missing at once \(more than 21\)/);
  });
});
