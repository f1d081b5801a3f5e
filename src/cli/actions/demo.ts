import { runDemo } from "../../demo/index.js";
import { ConfigError, coerceError } from "../../errors.js";
import { exitCodes } from "../exit-codes.js";
import type { Output } from "../output.js";

export interface DemoCommandOptions {
  duration?: number;
  speed: number;
  logLevel: string;
}

export async function demoAction(_output: Output, options: DemoCommandOptions): Promise<number> {
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
