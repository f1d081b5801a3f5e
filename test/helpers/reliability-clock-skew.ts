// Preloaded (node --import) into a worker process to put its wall clock off, without mocks in the
// code under test: Date.now() and `new Date()` read TEST_CLOCK_SKEW_MS ms off the real clock, and
// once TEST_CLOCK_JUMP_BACK_AFTER_MS ms have passed, TEST_CLOCK_JUMP_BACK_MS ms further behind (a
// clock stepped backwards by NTP or an operator). Timers and performance.now() are untouched, as
// they are when a real clock is wrong.
const skewMs = Number(process.env.TEST_CLOCK_SKEW_MS ?? 0);
const jumpBackMs = Number(process.env.TEST_CLOCK_JUMP_BACK_MS ?? 0);
const jumpBackAfterMs = Number(process.env.TEST_CLOCK_JUMP_BACK_AFTER_MS ?? 0);
const RealDate = Date;
const startedAt = RealDate.now();

function skewedNow(): number {
  const real = RealDate.now();
  const jumped = jumpBackMs > 0 && real - startedAt >= jumpBackAfterMs;
  return real + skewMs - (jumped ? jumpBackMs : 0);
}

class SkewedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(skewedNow());
    else super(...(args as [string | number | Date]));
  }

  static override now(): number {
    return skewedNow();
  }
}

globalThis.Date = SkewedDate as DateConstructor;
