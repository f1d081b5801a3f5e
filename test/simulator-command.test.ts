import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { testApiKey } from "./helpers/simulator-harness.js";

const entry = fileURLToPath(new URL("./helpers/simulator-cli-entry.ts", import.meta.url));

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
});
