import { type Command, Option } from "commander";
import type { CommandRunner } from "../command-runner.js";
import { parseWholeNumber } from "../option-parsers.js";

/**
 * `simulator`: runs the Novita file API simulator until SIGINT/SIGTERM. The API key may come from
 * --api-key or NOVITA_API_KEY, so a worker started with the same environment can talk to it.
 */
export function registerSimulatorCommand(program: Command, runner: CommandRunner): void {
  program
    .command("simulator")
    .description("Run a local HTTP server that behaves like Novita's file API (tests and demos)")
    .option("--port <port>", "port to listen on (0 picks a free one)", parseWholeNumber, 4010)
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--files <count>", "realistic files to generate at start", parseWholeNumber, 1000)
    .addOption(
      new Option("--api-key <key>", "key clients must send as a Bearer token")
        .env("NOVITA_API_KEY")
        .makeOptionMandatory(),
    )
    .option("--seed <seed>", "seed for generated files (same seed, same files)", parseWholeNumber)
    .action(runner.plain(() => import("../actions/simulator.js").then((m) => m.simulatorAction)));
}
