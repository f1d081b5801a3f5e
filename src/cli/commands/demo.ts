import { type Command, InvalidArgumentError } from "commander";
import { demoSpeedRange } from "../../demo/demo-timing.js";
import type { CommandRunner } from "../command-runner.js";
import { parsePositiveSeconds } from "../option-parsers.js";

/**
 * `demo`: the simulator, a PostgreSQL, the worker and a webhook receiver in one process, with a
 * script that makes every event type show within about two minutes. Ctrl-C stops it with a
 * summary (exit 0); with --duration it exits 1 when an event type never showed.
 */
export function registerDemoCommand(program: Command, runner: CommandRunner): void {
  program
    .command("demo")
    .description(
      "Show every event in about two minutes, without a Novita key: a simulated account changes " +
        "over time, the worker mirrors it and a local webhook receiver prints each verified event. " +
        "Uses DATABASE_URL if set (it must be empty), else an embedded PostgreSQL under DATA_DIR/demo " +
        "(emptied at every start; look at it afterwards with DATA_DIR=.data/demo novita-file-sync report runs). " +
        "Ctrl-C stops it with a summary.",
    )
    .option(
      "--duration <seconds>",
      "run unattended for this long, then exit 0 if every event type showed (1 if not); default: until Ctrl-C",
      parsePositiveSeconds,
    )
    .option(
      "--speed <factor>",
      `run the script, schedules and expiry windows this many times faster (${demoSpeedRange.min}-${demoSpeedRange.max})`,
      speedFactor,
      1,
    )
    .option("--log-level <level>", "the worker's log level (logs go to stderr)", "warn")
    .action(runner.plain(() => import("../actions/demo.js").then((m) => m.demoAction)));
}

function speedFactor(text: string): number {
  const value = Number(text);
  if (!(value >= demoSpeedRange.min && value <= demoSpeedRange.max)) {
    throw new InvalidArgumentError(
      `expects a number from ${demoSpeedRange.min} to ${demoSpeedRange.max}`,
    );
  }
  return value;
}
