import { type Sleep, sleep } from "../../src/time/sleep.js";

/**
 * The client's own backoff waits a hundredth of its time, so retry tests stay fast; waits the
 * server asked for (Retry-After) are real, so tests can measure that they are honoured.
 */
export const fastBackoffSleep: Sleep = (ms, wait) =>
  sleep(wait.reason === "backoff" ? ms / 100 : ms, wait);
