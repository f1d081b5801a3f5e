import { type Command, InvalidArgumentError, Option } from "commander";
import { startSimulator } from "../../simulator/simulator-server.js";

interface SimulatorCommandOptions {
  port: number;
  host: string;
  files: number;
  apiKey: string;
  seed?: number;
}

/**
 * `simulator`: runs the Novita file API simulator until SIGINT/SIGTERM. The API key may come from
 * --api-key or NOVITA_API_KEY, so a worker started with the same environment can talk to it.
 */
export function registerSimulatorCommand(program: Command): Command {
  return program
    .command("simulator")
    .description("Run a local HTTP server that behaves like Novita's file API (tests and demos)")
    .option("--port <port>", "port to listen on (0 picks a free one)", wholeNumber, 4010)
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--files <count>", "realistic files to generate at start", wholeNumber, 1000)
    .addOption(
      new Option("--api-key <key>", "key clients must send as a Bearer token")
        .env("NOVITA_API_KEY")
        .makeOptionMandatory(),
    )
    .option("--seed <seed>", "seed for generated files (same seed, same files)", wholeNumber)
    .action(async (options: SimulatorCommandOptions) => {
      const simulator = await startSimulator({
        port: options.port,
        host: options.host,
        apiKey: options.apiKey,
        files: options.files,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
      });
      process.stdout.write(
        `Novita simulator serving ${simulator.store.size} files at ${simulator.baseUrl}\n` +
          `  (set NOVITA_BASE_URL=${simulator.baseUrl}; control API at ${simulator.url}/_control/state)\n`,
      );
      const signal = await waitForStopSignal();
      process.stdout.write(`Received ${signal}; stopping the simulator\n`);
      await simulator.close();
    });
}

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function wholeNumber(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError("expects a whole number");
  return Number(text);
}
