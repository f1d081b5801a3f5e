import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { loadEnvFile } from "../config/load-env-file.js";
import { type CommandRunner, makeCommandRunner } from "./command-runner.js";
import { registerArchiveCommand } from "./commands/archive.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerEventsCommand } from "./commands/events.js";
import { registerMigrateCommand } from "./commands/migrate.js";
import { registerPruneCommand } from "./commands/prune.js";
import { registerReportCommand } from "./commands/report.js";
import { registerSimulatorCommand } from "./commands/simulator.js";
import { registerStatusCommand } from "./commands/status.js";
import { registerSyncCommand } from "./commands/sync.js";
import { registerWorkerCommand } from "./commands/worker.js";
import { exitCodes } from "./exit-codes.js";
import { stdoutOutput } from "./output.js";

/**
 * The program: every command registered the same way, with its options and help. Registration
 * loads only commander and the option parsers; a command's code is imported when it runs.
 */
export function buildProgram(runner: CommandRunner): Command {
  const program = new Command("novita-file-sync")
    .description(
      "Keeps a PostgreSQL mirror of a Novita AI account's files: history, disappearances, expiry alerts and events.\n" +
        "Reads .env in the working directory (variables already set win). Exit codes: 0 ok, 1 failed, " +
        "2 usage or configuration error (sync also 3 guarded, 4 skipped).",
    )
    .version(packageVersion(), "-V, --version", "print the version")
    .showHelpAfterError("(add --help for usage)");
  for (const register of [
    registerMigrateCommand,
    registerSyncCommand,
    registerArchiveCommand,
    registerWorkerCommand,
    registerStatusCommand,
    registerReportCommand,
    registerEventsCommand,
    registerPruneCommand,
    registerSimulatorCommand,
    registerDemoCommand,
  ]) {
    register(program, runner);
  }
  exitOverrideEverywhere(program);
  return program;
}

/** Usage errors in any (nested) command come back to runCli as exceptions, for exit code 2. */
function exitOverrideEverywhere(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideEverywhere(sub);
}

/** Runs the CLI and returns the process exit code (0 ok, 1 failure, 2 usage or configuration). */
export async function runCli(argv: string[]): Promise<number> {
  const output = stdoutOutput();
  try {
    loadEnvFile();
  } catch (error) {
    process.stderr.write(`Cannot read .env in ${process.cwd()}: ${(error as Error).message}\n`);
    return exitCodes.usage;
  }
  const runner = makeCommandRunner(output);
  const program = buildProgram(runner);
  program.configureOutput({ writeOut: (text) => output.write(text) });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    throw error;
  }
  return runner.exitCode;
}

/** The version in package.json, which sits two levels up from both src/cli and dist/cli. */
function packageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}
