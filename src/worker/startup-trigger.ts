import { createTask } from "node-cron";

/**
 * The most recent time at or before `now` that a cron expression fires, or null if none within
 * `lookBackMs`. node-cron has no "previous run", so this walks back one step (a second for
 * six-field expressions, else a minute) at a time; the walk is bounded.
 */
export function previousFire(
  expression: string,
  timezone: string,
  now: Date,
  lookBackMs = 7 * 86_400_000,
): Date | null {
  const task = createTask(expression, () => {}, { timezone });
  try {
    const stepMs = expression.trim().split(/\s+/).length === 6 ? 1_000 : 60_000;
    let t = Math.floor(now.getTime() / stepMs) * stepMs;
    const maxSteps = Math.min(Math.ceil(lookBackMs / stepMs), 200_000);
    for (let i = 0; i <= maxSteps; i++, t -= stepMs) {
      if (task.match(new Date(t))) return new Date(t);
    }
    return null;
  } finally {
    void task.destroy();
  }
}

/**
 * What the worker runs when it starts: one `catch-up` run when it was down over a scheduled fire
 * (however many it missed), else a `startup` run when SYNC_ON_START, else nothing.
 */
export function decideStartupTrigger(options: {
  lastRunStartedAt: Date | null;
  previousFireAt: Date | null;
  syncOnStart: boolean;
}): "catch-up" | "startup" | null {
  const { lastRunStartedAt, previousFireAt } = options;
  if (lastRunStartedAt !== null && previousFireAt !== null && lastRunStartedAt < previousFireAt) {
    return "catch-up";
  }
  return options.syncOnStart ? "startup" : null;
}
