import { Command, CommanderError } from "commander";
import { registerArchiveCommand } from "./commands/archive.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerEventsCommand } from "./commands/events.js";
import { registerMigrateCommand } from "./commands/migrate.js";
import { registerReportCommand } from "./commands/report.js";
import { registerSimulatorCommand } from "./commands/simulator.js";
import { registerSyncCommand } from "./commands/sync.js";
import { registerWorkerCommand } from "./commands/worker.js";
import { commandOutcome, exitCodes } from "./run-command.js";

export function buildProgram(): Command {
  const program = new Command("novita-file-sync")
    .description(
      "Keeps a PostgreSQL mirror of a Novita AI account's files: history, disappearances, expiry alerts and events.",
    )
    .showHelpAfterError()
    .exitOverride();
  registerMigrateCommand(program);
  registerSyncCommand(program);
  registerArchiveCommand(program);
  registerWorkerCommand(program);
  registerReportCommand(program);
  registerEventsCommand(program);
  registerSimulatorCommand(program);
  registerDemoCommand(program);
  exitOverrideEverywhere(program);
  return program;
}

/** Usage errors in any (nested) command come back to runCli as exceptions, for exit code 2. */
function exitOverrideEverywhere(command: Command): void {
  for (const sub of command.commands) {
    sub.exitOverride();
    exitOverrideEverywhere(sub);
  }
}

/** Runs the CLI and returns the process exit code (0 ok, 1 failure, 2 usage or configuration). */
export async function runCli(argv: string[]): Promise<number> {
  commandOutcome.exitCode = exitCodes.ok;
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    throw error;
  }
  return commandOutcome.exitCode;
}
