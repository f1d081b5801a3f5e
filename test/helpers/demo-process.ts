import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("./cli-entry.ts", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));

export interface DemoProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** Sends a signal and waits (bounded; then SIGKILL) for the exit code. */
  signal(signal: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** Starts `novita-file-sync demo <args>` from the sources with PATH, HOME and `env` only. */
export function startDemoProcess(args: string[], env: Record<string, string>): DemoProcess {
  const child = spawn(process.execPath, ["--import", "tsx", entry, "demo", ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async signal(signal, timeoutMs = 30_000) {
      child.kill(signal);
      return killAfter(child, exited, timeoutMs);
    },
  };
}

/** Runs the demo to its end (bounded: SIGINT, then SIGKILL after `timeoutMs`). */
export async function runDemoProcess(
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const demo = startDemoProcess(args, env);
  const timer = setTimeout(() => demo.child.kill("SIGINT"), timeoutMs);
  const code = await killAfter(demo.child, demo.exited, timeoutMs + 20_000);
  clearTimeout(timer);
  return { code, stdout: demo.stdout(), stderr: demo.stderr() };
}

/** The event lines of the demo's output, by type (the second column). */
export function demoEventLines(stdout: string): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const line of stdout.split("\n")) {
    const match = /^\d\d:\d\d:\d\d {2}((?:file|sync)\.[a-z]+)\s/.exec(line);
    if (match) byType.set(match[1] as string, [...(byType.get(match[1] as string) ?? []), line]);
  }
  return byType;
}

/** Stops an embedded PostgreSQL a killed demo may have left running on `dataDir`. */
export function stopLeftoverPostgres(dataDir: string): void {
  try {
    const pid = Number(
      readFileSync(join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0],
    );
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, "SIGINT");
  } catch {
    // nothing left running
  }
}

async function killAfter(
  child: ChildProcess,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<number | null> {
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
