/** The demo's clock, at a given speed: everything scales, so a faster run shows the same story. */
export interface DemoTiming {
  speed: number;
  /** SYNC_SCHEDULE and EXPIRY_SCAN_SCHEDULE: every few seconds (a 6-field cron). */
  schedule: string;
  scheduleEverySeconds: number;
  /** EXPIRY_WARNING_WINDOWS in ms, widest first (2m and 30s at speed 1). */
  warningWindowsMs: [number, number];
  /** Script time in real milliseconds for `seconds` at speed 1. */
  scaled(seconds: number): number;
}

const slowest = 0.25;
const fastest = 10;

/** Valid speeds, for the CLI's message. */
export const demoSpeedRange = { min: slowest, max: fastest } as const;

export function demoTiming(speed: number): DemoTiming {
  if (!(speed >= slowest && speed <= fastest)) {
    throw new RangeError(`the demo's speed must be between ${slowest} and ${fastest}`);
  }
  const every = divisorOf60Nearest(5 / speed);
  return {
    speed,
    schedule: `*/${every} * * * * *`,
    scheduleEverySeconds: every,
    warningWindowsMs: [Math.round(120_000 / speed), Math.round(30_000 / speed)],
    scaled: (seconds) => Math.round((seconds * 1000) / speed),
  };
}

/** `*\/n` in cron's seconds field is only regular when n divides 60. */
function divisorOf60Nearest(seconds: number): number {
  const divisors = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
  let best = 1;
  for (const d of divisors) if (Math.abs(d - seconds) < Math.abs(best - seconds)) best = d;
  return best;
}
