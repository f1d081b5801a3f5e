import { setTimeout as sleep } from "node:timers/promises";
import type { DemoStep } from "./demo-script.js";
import type { DemoTiming } from "./demo-timing.js";

export interface RunDemoScriptOptions {
  steps: readonly DemoStep[];
  timing: DemoTiming;
  /** File listings the simulator has served so far. */
  listings: () => number;
  /** Prints what a step did. */
  say: (text: string) => void;
  /** Stops the script between steps. */
  signal: AbortSignal;
  now?: () => number;
  pollMs?: number;
}

/**
 * Runs the steps in order. A step runs when it is due (its time, scaled by the speed), its own
 * condition holds, and a listing has been served since the previous step: so a sync has seen
 * every change before the next one, however slow the machine. Resolves true when every step ran,
 * false when stopped first.
 */
export async function runDemoScript(options: RunDemoScriptOptions): Promise<boolean> {
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 50;
  const started = now();
  let listingsAtLastStep = options.listings();
  for (const step of options.steps) {
    const due = started + options.timing.scaled(step.at);
    while (
      now() < due ||
      options.listings() <= listingsAtLastStep ||
      (step.ready !== undefined && !step.ready())
    ) {
      if (options.signal.aborted) return false;
      await sleep(pollMs, undefined, { signal: options.signal }).catch(() => {});
    }
    if (options.signal.aborted) return false;
    options.say(step.apply());
    listingsAtLastStep = options.listings();
  }
  return true;
}
