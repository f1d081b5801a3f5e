// The tests need no Docker engine (CI builds and runs the real image in .ci/docker-smoke.sh).
// This reads the Dockerfile and checks its shape, then replays its COPY and RUN steps (applying
// .dockerignore) in a temporary directory per stage, and runs the final stage's result: --help,
// migrate, one sync, and the worker and the simulator with the image's own HEALTHCHECK command.
// A file the image forgets to copy, or a runtime dependency that is only a devDependency, fails
// here. Only the base image (node:*-slim) is not reproduced: the local node runs the result.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "../src/simulator/index.js";
import { freePort } from "./helpers/free-port.js";
import { createTestDatabase } from "./helpers/test-database.js";
import { waitFor } from "./helpers/wait-for.js";

const root = fileURLToPath(new URL("..", import.meta.url));

interface Instruction {
  keyword: string;
  /** `--name=value` options before the arguments. */
  flags: Record<string, string>;
  args: string;
}

interface Stage {
  image: string;
  name: string;
  instructions: Instruction[];
}

/**
 * The stages of a Dockerfile: continuation lines joined, comments dropped, and the ARGs declared
 * before the first FROM substituted (with their defaults) into each FROM, as Docker does.
 */
function parseDockerfile(text: string): Stage[] {
  const logical = text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ")
    .split("\n")
    .filter((line) => line.trim() !== "");
  const stages: Stage[] = [];
  const globalArgs: Record<string, string> = {};
  for (const line of logical) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (match === null) throw new Error(`cannot read Dockerfile line: ${line}`);
    const keyword = (match[1] as string).toUpperCase();
    let args = (match[2] as string).trim();
    const flags: Record<string, string> = {};
    for (
      let flag = /^--([a-z-]+)=(\S+)\s+/.exec(args);
      flag;
      flag = /^--([a-z-]+)=(\S+)\s+/.exec(args)
    ) {
      flags[flag[1] as string] = flag[2] as string;
      args = args.slice(flag[0].length);
    }
    if (keyword === "ARG" && stages.length === 0) {
      const [name = "", value = ""] = args.split("=");
      globalArgs[name] = value;
    } else if (keyword === "FROM") {
      const [reference = "", , name] = args.split(/\s+/);
      const image = reference.replace(/\$\{?(\w+)\}?/g, (_, arg: string) => globalArgs[arg] ?? "");
      stages.push({ image, name: name ?? String(stages.length), instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (stage === undefined) throw new Error(`${keyword} before FROM`);
      stage.instructions.push({ keyword, flags, args });
    }
  }
  return stages;
}

/** .dockerignore's rules: the last matching pattern wins; a pattern matching a parent counts. */
function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const negate = line.startsWith("!");
      const pattern = posix.normalize(line.replace(/^!/, "")).replace(/^\/|\/$/g, "");
      const source = pattern
        .split(/(\*\*|\*|\?)/)
        .map((part) =>
          part === "**"
            ? ".*"
            : part === "*"
              ? "[^/]*"
              : part === "?"
                ? "[^/]"
                : part.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
        )
        .join("");
      return { negate, regex: new RegExp(`^${source}$`) };
    });
  return (path) => {
    const parts = path.split("/");
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
    let excluded = false;
    for (const rule of rules) {
      if (prefixes.some((prefix) => rule.regex.test(prefix))) excluded = !rule.negate;
    }
    return excluded;
  };
}

const exec = (instruction: Instruction): string[] => JSON.parse(instruction.args) as string[];
const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
const stages = parseDockerfile(dockerfile);
const final = stages.at(-1) as Stage;
const finalOf = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword);
const ignored = dockerignore(readFileSync(join(root, ".dockerignore"), "utf8"));

describe("the Dockerfile", () => {
  it("builds in one stage and runs from a slim Node LTS stage with production dependencies only", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toMatch(/^node:(22|24)-slim$/);
    const build = stages[0] as Stage;
    expect(build.instructions.some((i) => i.keyword === "RUN" && /npm ci\b/.test(i.args))).toBe(
      true,
    );
    expect(build.instructions.some((i) => i.keyword === "RUN" && i.args === "npm run build")).toBe(
      true,
    );
    const install = finalOf("RUN").find((i) => /npm ci\b/.test(i.args));
    expect(install?.args).toContain("--omit=dev");
    expect(install?.args).toContain("--ignore-scripts");
    const copies = finalOf("COPY");
    expect(copies.find((c) => c.flags.from === build.name)?.args).toMatch(/^\/app\/dist\s/);
    expect(copies.map((c) => c.args.split(/\s+/)[0])).toEqual(
      expect.arrayContaining(["bin", "prisma/migrations"]),
    );
  });

  it("needs no registry for its frontend: no `# syntax=` parser directive", () => {
    expect(dockerfile).not.toMatch(/^#\s*syntax\s*=/im);
  });

  it("runs as a non-root user, checks health with a script it copies, and starts the worker by default", () => {
    const user = finalOf("USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const healthcheck = finalOf("HEALTHCHECK").at(-1);
    const command = healthcheck?.args.replace(/^CMD\s+/, "") ?? "";
    const argv = JSON.parse(command) as string[];
    expect(argv[0]).toBe("node");
    const script = argv[1] ?? "";
    expect(ignored(script), script).toBe(false);
    expect(finalOf("COPY").some((c) => script.startsWith(`${c.args.split(/\s+/)[0]}/`))).toBe(true);
    // The image runs node with the memory flags `npm start` uses (and the bench measures with).
    const start = (
      JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: { start: string } }
    ).scripts.start.split(/\s+/);
    expect(start.filter((word) => word.startsWith("--"))).toEqual([
      "--max-semi-space-size=8",
      "--heap-growing-percent=50",
    ]);
    expect(exec(finalOf("ENTRYPOINT").at(-1) as Instruction)).toEqual(start.slice(0, -1));
    expect(exec(finalOf("CMD").at(-1) as Instruction)).toEqual(["worker"]);
  });

  it("keeps secrets, local data and build output out of the build context", () => {
    for (const path of [".env", ".data/postgres/PG_VERSION", "node_modules/pg/package.json"]) {
      expect(ignored(path), path).toBe(true);
    }
    for (const path of [
      "dist/cli/main.js",
      "src/generated/prisma/client.ts",
      "test/config.test.ts",
    ]) {
      expect(ignored(path), path).toBe(true);
    }
    for (const path of [
      "package.json",
      "src/cli/main.ts",
      "prisma/schema.prisma",
      "bin/novita-file-sync.js",
    ]) {
      expect(ignored(path), path).toBe(false);
    }
  });
});

describe("the image's contents, built as the Dockerfile builds them", () => {
  const work = mkdtempSync(join(tmpdir(), "nfs-image-"));
  const stageDirs = new Map<string, string>();
  let app = "";
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
  });

  beforeAll(async () => {
    for (const stage of stages) {
      const dir = join(work, stage.name);
      mkdirSync(dir, { recursive: true });
      stageDirs.set(stage.name, dir);
      await replayStage(stage, dir);
    }
    app = stageDirs.get(final.name) as string;
  }, 360_000);

  async function replayStage(stage: Stage, dir: string): Promise<void> {
    const env: Record<string, string> = {};
    let workdir = "/";
    const local = (path: string) => join(dir, relative("/app", posix.resolve(workdir, path)));
    for (const instruction of stage.instructions) {
      const { keyword, args, flags } = instruction;
      if (keyword === "WORKDIR") {
        workdir = posix.resolve(workdir, args);
        expect(workdir, "the replay maps /app to the stage's directory").toBe("/app");
      } else if (keyword === "ENV") {
        for (const [, key, value] of args.matchAll(/(\w+)=(\S+)/g))
          env[key as string] = value as string;
      } else if (keyword === "COPY") {
        const parts = args.split(/\s+/);
        const dest = parts.pop() as string;
        for (const source of parts) {
          const from = flags.from;
          const origin =
            from === undefined
              ? join(root, source)
              : join(stageDirs.get(from) as string, relative("/app", source));
          const target =
            dest.endsWith("/") || parts.length > 1
              ? join(local(dest), posix.basename(source))
              : local(dest);
          cpSync(origin, target, {
            recursive: true,
            filter: (path) => from !== undefined || !ignored(relative(root, path)),
          });
        }
      } else if (keyword === "RUN") {
        const result = await run("sh", ["-c", args], {
          cwd: dir,
          env: {
            ...env,
            // Reuse the machine's npm cache; nothing else of the machine's npm setup leaks in,
            // except the CA bundle a machine behind an HTTPS proxy needs (CI's base image has it).
            npm_config_prefer_offline: "true",
            npm_config_update_notifier: "false",
            ...(process.env.NODE_EXTRA_CA_CERTS === undefined
              ? {}
              : { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS }),
          },
          timeoutMs: 300_000,
        });
        expect(result.code, `RUN ${args}\n${result.output}`).toBe(0);
      }
    }
  }

  it("prints the CLI's help", async () => {
    const result = await run("node", ["bin/novita-file-sync.js", "--help"], { cwd: app });
    expect(result.code, result.output).toBe(0);
    for (const command of ["worker", "migrate", "sync", "simulator"]) {
      expect(result.output).toContain(command);
    }
  });

  it("migrates an empty database, then syncs from the simulator, with production dependencies only", async () => {
    const db = await createTestDatabase({ migrated: false });
    const apiKey = "sk-image-test";
    const simulator = await startSimulator({ apiKey, seed: 5 });
    simulator.store.generate(25);
    try {
      const env = { DATABASE_URL: db.url, LOG_LEVEL: "warn" };
      const migrated = await run("node", ["bin/novita-file-sync.js", "migrate"], { cwd: app, env });
      expect(migrated.code, migrated.output).toBe(0);
      const migrations = readdirSync(join(root, "prisma/migrations"), {
        withFileTypes: true,
      }).filter((entry) => entry.isDirectory());
      const applied = await db.query(
        "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL",
      );
      expect(applied).toHaveLength(migrations.length);

      const synced = await run("node", ["bin/novita-file-sync.js", "sync"], {
        cwd: app,
        env: { ...env, NOVITA_API_KEY: apiKey, NOVITA_BASE_URL: simulator.baseUrl },
      });
      expect(synced.code, synced.output).toBe(0);
      expect(await db.query("SELECT id FROM files")).toHaveLength(25);
    } finally {
      await simulator.close();
    }
  }, 60_000);

  it("runs the worker, passes the image's HEALTHCHECK, and stops with 0 on SIGTERM", async () => {
    const db = await createTestDatabase();
    const apiKey = "sk-image-test";
    const simulator = await startSimulator({ apiKey, seed: 6 });
    simulator.store.generate(5);
    const httpPort = String(await freePort());
    const child = spawn(process.execPath, ["bin/novita-file-sync.js", "worker"], {
      cwd: app,
      env: {
        ...baseEnv(),
        DATABASE_URL: db.url,
        NOVITA_API_KEY: apiKey,
        NOVITA_BASE_URL: simulator.baseUrl,
        HTTP_PORT: httpPort,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      await waitFor(
        "the worker's first sync",
        async () => {
          const rows = await db.query("SELECT id FROM files");
          return rows.length === 5;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      const healthy = await runHealthcheck(child);
      expect(healthy.code, `${healthy.output}\nworker output:\n${output}`).toBe(0);
      child.kill("SIGTERM");
      expect(await exited, output).toBe(0);
      expect((await runHealthcheck(child)).code, "a stopped worker is not healthy").toBe(1);
    } finally {
      await simulator.close();
    }
  }, 60_000);

  it("passes the image's HEALTHCHECK with the simulator command too, on whatever port it listens", async () => {
    const child = spawn(
      process.execPath,
      ["bin/novita-file-sync.js", "simulator", "--port", "0", "--files", "3"],
      { cwd: app, env: { ...baseEnv(), NOVITA_API_KEY: "sk-image-test" }, stdio: "pipe" },
    );
    children.push(child);
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await waitFor("the simulator's start line", async () => output.includes("serving 3 files"), {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    const healthy = await runHealthcheck(child);
    expect(healthy.code, `${healthy.output}\nsimulator output:\n${output}`).toBe(0);
    child.kill("SIGTERM");
    expect(await exited, output).toBe(0);
  }, 60_000);

  /**
   * Runs the image's HEALTHCHECK command for `child`: in a container it looks at PID 1; here the
   * process it checks is given as the script's argument.
   */
  function runHealthcheck(child: ChildProcess) {
    const healthcheck = finalOf("HEALTHCHECK").at(-1) as Instruction;
    const [command = "", ...args] = JSON.parse(healthcheck.args.replace(/^CMD\s+/, "")) as string[];
    return run(command === "node" ? process.execPath : command, [...args, String(child.pid)], {
      cwd: app,
    });
  }
});

function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? tmpdir() };
}

/** Runs a command with PATH, HOME and `env` only; resolves with its exit code and output. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: isAbsolute(options.cwd) ? options.cwd : join(root, options.cwd),
      env: { ...baseEnv(), ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
