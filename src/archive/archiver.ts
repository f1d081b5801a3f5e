import { type ScheduledTask, schedule, validate } from "node-cron";
import { ConfigError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import type { ArchivePassOutcome } from "./archive-once.js";

export interface Archiver {
  /** Asks for a pass: starts one now, or one more after the pass that is running. */
  nudge(): void;
  /** No more passes; waits for the running one (its downloads are aborted by the caller). */
  stop(): Promise<void>;
}

/**
 * Runs archiving passes in the worker: on ARCHIVE_SCHEDULE and whenever nudged (after each
 * sync), one at a time in this replica. Replicas need no coordination here: claims in
 * PostgreSQL give each file to one of them.
 */
export function startArchiver(options: {
  pass: () => Promise<ArchivePassOutcome>;
  schedule: string;
  timezone: string;
  logger: Logger;
}): Archiver {
  if (!validate(options.schedule)) {
    throw new ConfigError(
      `Invalid configuration:\n  - ARCHIVE_SCHEDULE: "${options.schedule}" is not a cron expression`,
    );
  }
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = (): void => {
    if (stopped) return;
    if (running !== null) {
      again = true;
      return;
    }
    running = options
      .pass()
      .then(
        () => undefined,
        (error: unknown) => options.logger.error({ err: error }, "archive pass failed"),
      )
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          run();
        }
      });
  };
  const task: ScheduledTask = schedule(options.schedule, run, {
    name: "archive",
    timezone: options.timezone,
    noOverlap: true,
  });
  return {
    nudge: run,
    async stop() {
      stopped = true;
      await task.stop();
      await task.destroy();
      await running;
    },
  };
}
