// Runs only the `simulator` command, as the CLI will, for the command's test.
import { Command } from "commander";
import { registerSimulatorCommand } from "../../src/cli/commands/simulator.js";

const program = new Command("novita-file-sync");
registerSimulatorCommand(program);
await program.parseAsync(process.argv);
