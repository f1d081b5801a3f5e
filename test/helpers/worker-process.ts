import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { killAfterAll } from "./cleanup.js";
import { freePort } from "./free-port.js";
import { waitFor } from "./wait-for.js";

const entry = fileURLToPath(new URL("./cli-entry.ts", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  httpPort: number;
  /** Every JSON log line the worker wrote so far. */
  logs: Record<string, unknown>[];
  output(): string;
  get(path: string): Promise<{ status: number; body: string }>;
  /** Sends a signal and waits (bounded) for the exit code. */
  signal(signal: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * Starts `novita-file-sync worker` as a real child process with the given environment. It is
 * SIGKILLed after the file's tests if it is still running.
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const httpPort = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", entry, "worker"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: "info",
      HTTP_PORT: String(httpPort),
      SHUTDOWN_TIMEOUT_MS: "15000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  killAfterAll(child);
  let text = "";
  const logs: Record<string, unknown>[] = [];
  let partial = "";
  // Logs are JSON lines on stderr; stdout holds command output only.
  child.stdout!.on("data", (chunk: Buffer) => {
    text += chunk;
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    text += chunk;
    partial += chunk;
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        // not a log line
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, body: await response.text() };
  };
  await Promise.race([
    waitFor("the worker's HTTP server", async () => (await get("/healthz")).status === 200, {
      timeoutMs: 30_000,
      intervalMs: 200,
    }),
    exited.then((code) => {
      throw new Error(`the worker exited with code ${code} before serving HTTP`);
    }),
  ]).catch((error: Error) => {
    child.kill("SIGKILL");
    throw new Error(`${error.message}\nworker output:\n${text}`);
  });
  return {
    child,
    httpPort,
    logs,
    output: () => text,
    get,
    exited,
    async signal(signal, timeoutMs = 30_000) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
