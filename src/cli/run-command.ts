import { type Config, loadConfig } from "../config/config.js";
import { AppError, ConfigError, coerceError } from "../errors.js";
import { type Logger, makeLogger } from "../logging/logger.js";

export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

export interface CommandContext {
  config: Config;
  logger: Logger;
}

/** Holds the exit code the last command action decided on. */
export const commandOutcome = { exitCode: 0 as number };

/**
 * Wraps a command action: parses the configuration (exit 2 with every problem named), makes the
 * process logger, runs the action and turns what it returns or throws into the exit code.
 * Errors are logged once, here.
 */
export function runCommand<Args extends unknown[]>(
  action: (context: CommandContext, ...args: Args) => Promise<number | undefined>,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    let config: Config;
    try {
      config = loadConfig();
    } catch (error) {
      process.stderr.write(`${coerceError(error).message}\n`);
      commandOutcome.exitCode = exitCodes.usage;
      return;
    }
    const logger = makeLogger({ level: config.logLevel, secrets: config.secrets });
    try {
      commandOutcome.exitCode = (await action({ config, logger }, ...args)) ?? exitCodes.ok;
    } catch (thrown) {
      const error = coerceError(thrown);
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
        commandOutcome.exitCode = exitCodes.usage;
        return;
      }
      logger.error(
        { err: error, code: error instanceof AppError ? error.code : undefined },
        error.message,
      );
      commandOutcome.exitCode = exitCodes.failed;
    } finally {
      logger.flush();
    }
  };
}
