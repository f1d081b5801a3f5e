import { type Command, InvalidArgumentError } from "commander";
import { demoSpeedRange, runDemo } from "../../demo/index.js";
import { ConfigError, coerceError } from "../../errors.js";
import { commandOutcome, exitCodes } from "../run-command.js";

interface DemoCommandOptions {
  duration?: number;
  speed: number;
  logLevel: string;
}

/**
 * `demo`: the simulator, a PostgreSQL, the worker and a webhook receiver in one process, with a
 * script that makes every event type show within about two minutes. Ctrl-C stops it with a
 * summary (exit 0); with --duration it exits 1 when an event type never showed.
 */
export function registerDemoCommand(program: Command): Command {
  return program
    .command("demo")
    .description(
      "Show every event in about two minutes, without a Novita key: a simulated account changes " +
        "over time, the worker mirrors it and a local webhook receiver prints each verified event. " +
        "Uses DATABASE_URL if set (it must be empty), else an embedded PostgreSQL under DATA_DIR/demo " +
        "(emptied at every start). Ctrl-C stops it with a summary.",
    )
    .option(
      "--duration <seconds>",
      "run unattended for this long, then exit 0 if every event type showed (1 if not)",
      positiveNumber,
    )
    .option(
      "--speed <factor>",
      `run the script, schedules and expiry windows this many times faster (${demoSpeedRange.min}-${demoSpeedRange.max})`,
      speedFactor,
      1,
    )
    .option("--log-level <level>", "the worker's log level (logs go to stderr)", "warn")
    .action(async (options: DemoCommandOptions) => {
      commandOutcome.exitCode = await demoAction(options);
    });
}

async function demoAction(options: DemoCommandOptions): Promise<number> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    // A second Ctrl-C does not wait for the graceful stop.
    if (signals > 1) process.exit(130);
    process.stdout.write(`\nReceived ${signal}; stopping (again to exit at once)\n`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const result = await runDemo({
      signal: controller.signal,
      speed: options.speed,
      logLevel: options.logLevel,
      ...(options.duration === undefined ? {} : { durationMs: options.duration * 1000 }),
    });
    // Stopped by hand, the demo did what was asked; unattended, it must have shown everything.
    return options.duration !== undefined && !controller.signal.aborted && result.missing.length > 0
      ? exitCodes.failed
      : exitCodes.ok;
  } catch (thrown) {
    const error = coerceError(thrown);
    process.stderr.write(`demo failed: ${error.message}\n`);
    return error instanceof ConfigError ? exitCodes.usage : exitCodes.failed;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

function positiveNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError("expects a number of seconds above 0");
  return value;
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
