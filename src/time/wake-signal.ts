/** A wake-up that is not lost when it arrives while nobody waits. */
export interface WakeSignal {
  wake(): void;
  /** Resolves on the next wake (or at once if one is pending), or after `ms`. */
  wait(ms: number): Promise<void>;
}

export function makeWakeSignal(): WakeSignal {
  let pending = false;
  let release: (() => void) | undefined;
  return {
    wake() {
      pending = true;
      release?.();
    },
    wait(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          release = undefined;
          pending = false;
          resolve();
        };
        const timer = setTimeout(done, ms);
        release = done;
      });
    },
  };
}

/** Waits `ms`, or less if `interrupt` settles first. */
export async function sleepUnless(interrupt: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    interrupt,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
