import { startSimulator } from "../../simulator/simulator-server.js";
import { exitCodes } from "../exit-codes.js";
import type { Output } from "../output.js";

export interface SimulatorCommandOptions {
  port: number;
  host: string;
  files: number;
  apiKey: string;
  seed?: number;
}

/** Serves until SIGINT or SIGTERM. A port already taken is one line on stderr and exit 1. */
export async function simulatorAction(
  output: Output,
  options: SimulatorCommandOptions,
): Promise<number> {
  const simulator = await startSimulator({
    port: options.port,
    host: options.host,
    apiKey: options.apiKey,
    files: options.files,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EADDRINUSE" && error.code !== "EACCES") throw error;
    const why = error.code === "EADDRINUSE" ? "is in use" : "is not allowed for this user";
    process.stderr.write(
      `Port ${options.port} on ${options.host} ${why}; choose another with --port (0 picks a free one).\n`,
    );
    return undefined;
  });
  if (simulator === undefined) return exitCodes.failed;
  output.write(
    `Novita simulator serving ${simulator.store.size} files at ${simulator.baseUrl}\n` +
      `  (set NOVITA_BASE_URL=${simulator.baseUrl}; control API at ${simulator.url}/_control/state)\n`,
  );
  const signal = await waitForStopSignal();
  output.write(`Received ${signal}; stopping the simulator\n`);
  await simulator.close();
  return exitCodes.ok;
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
