import type { Config } from "../config/config.js";
import type { Logger } from "../logging/logger.js";
import { scrubSecrets } from "../logging/scrub-secrets.js";
import { describeFailure } from "./describe-failure.js";
import { exitCodes } from "./exit-codes.js";
import type { Output } from "./output.js";

export interface CommandContext {
  config: Config;
  logger: Logger;
  /** stdout, for the command's output only (logs go to stderr). */
  output: Output;
}

/** A command's body: returns its exit code (or nothing for 0), throws what it cannot handle. */
export type ConfiguredAction<Args extends unknown[]> = (
  context: CommandContext,
  ...args: Args
) => Promise<number | undefined>;

/** A command that needs no configuration (the simulator, the demo). */
export type PlainAction<Args extends unknown[]> = (
  output: Output,
  ...args: Args
) => Promise<number | undefined>;

/**
 * Runs the actions of one CLI invocation and keeps the exit code they decide on. Each action is
 * loaded when its command runs, so `--help` and a usage error load none of them.
 */
export interface CommandRunner {
  readonly exitCode: number;
  /** Parses the configuration, makes the logger, runs the action and reports its failure once. */
  configured<Args extends unknown[]>(
    load: () => Promise<ConfiguredAction<Args>>,
  ): (...args: Args) => Promise<void>;
  plain<Args extends unknown[]>(
    load: () => Promise<PlainAction<Args>>,
  ): (...args: Args) => Promise<void>;
}

export function makeCommandRunner(output: Output): CommandRunner {
  let exitCode: number = exitCodes.ok;
  const fail = (thrown: unknown, config: Config | undefined, logger?: Logger) => {
    const failure = describeFailure(thrown, config);
    process.stderr.write(`${scrubSecrets(failure.message, config?.secrets ?? [])}\n`);
    logger?.debug({ err: thrown }, "the failure in full");
    exitCode = failure.exitCode;
  };
  return {
    get exitCode() {
      return exitCode;
    },
    configured(load) {
      return async (...args) => {
        const [{ loadConfig }, { makeLogger }] = await Promise.all([
          import("../config/config.js"),
          import("../logging/logger.js"),
        ]);
        let config: Config;
        try {
          config = loadConfig();
        } catch (error) {
          return fail(error, undefined);
        }
        const logger = makeLogger({
          level: config.logLevel,
          secrets: config.secrets,
          ...(config.logFormat === undefined ? {} : { pretty: config.logFormat === "pretty" }),
        });
        try {
          const action = await load();
          exitCode = (await action({ config, logger, output }, ...args)) ?? exitCodes.ok;
        } catch (thrown) {
          fail(thrown, config, logger);
        } finally {
          logger.flush();
        }
      };
    },
    plain(load) {
      return async (...args) => {
        try {
          const action = await load();
          exitCode = (await action(output, ...args)) ?? exitCodes.ok;
        } catch (thrown) {
          fail(thrown, undefined);
        }
      };
    },
  };
}
