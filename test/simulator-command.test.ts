import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startSimulator } from "../src/simulator/simulator-server.js";
import { closeAfterAll } from "./helpers/cleanup.js";
import { runCliProcess } from "./helpers/run-cli.js";
import { testApiKey } from "./helpers/simulator-harness.js";

const entry = fileURLToPath(new URL("./helpers/cli-entry.ts", import.meta.url));

describe("the simulator command", () => {
  it("serves generated files at the printed base URL and stops cleanly on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", entry, "simulator", "--port", "0", "--files", "25", "--seed", "3"],
      { env: { ...process.env, NOVITA_API_KEY: testApiKey }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const baseUrl = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /at (http:\/\/\S+\/openai\/v1)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      child.once("exit", () => reject(new Error(`simulator exited early:\n${output}`)));
    });
    const response = await fetch(`${baseUrl}/files`, {
      headers: { Authorization: `Bearer ${testApiKey}` },
    });
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(25);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(output).toContain("stopping the simulator");
  });

  it("refuses to start without an API key", async () => {
    const env = { ...process.env };
    delete env.NOVITA_API_KEY;
    const child = spawn(process.execPath, ["--import", "tsx", entry, "simulator", "--port", "0"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, "exit");
    expect(code).not.toBe(0);
    expect(stderr).toContain("--api-key");
  });

  it("on a port already in use says so in one line and exits 1", async () => {
    const taken = closeAfterAll(await startSimulator({ apiKey: testApiKey }));
    const port = new URL(taken.url).port;
    const result = await runCliProcess(["simulator", "--port", port, "--files", "1"], {
      NOVITA_API_KEY: testApiKey,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `Port ${port} on 127.0.0.1 is in use; choose another with --port (0 picks a free one).\n`,
    );
  });
});
