// CI has no Docker Compose new enough for this file (2.24+; Debian ships 1.29), so this proves what
// reading the files can prove: docker-compose.yml's services, health checks, dependencies and demo
// profile, and that the worker gets every variable it requires, resolved as Compose resolves ${...}.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig, requireApiKey, secretVariables } from "../src/config/config.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const read = (path: string) => readFileSync(`${root}/${path}`, "utf8");

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  env_file?: { path: string; required?: boolean }[];
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  healthcheck?: { test: string[]; disable?: boolean };
  volumes?: string[];
}

const compose = parse(read("docker-compose.yml"), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const service = (name: string): Service => {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

/**
 * Compose's interpolation: $$ is a literal $, ${NAME}, ${NAME:-default} / ${NAME-default} (the
 * default itself interpolated, so defaults nest), ${NAME:?error} and ${NAME:+alternative}.
 */
function interpolate(text: string, env: Record<string, string | undefined>): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$$", i)) {
      out += "$";
      i += 2;
    } else if (text.startsWith("${", i)) {
      const end = closingBrace(text, i + 2);
      out += resolveExpression(text.slice(i + 2, end), env);
      i = end + 1;
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text.startsWith("${", i)) {
      depth += 1;
      i += 1;
    } else if (text[i] === "}" && --depth === 0) return i;
  }
  throw new Error(`unclosed \${ in ${text}`);
}

function resolveExpression(expression: string, env: Record<string, string | undefined>): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(expression);
  if (match === null) throw new Error(`cannot interpolate \${${expression}}`);
  const [, name = "", operator, rest = ""] = match;
  const value = env[name];
  const set = operator?.startsWith(":") ? value !== undefined && value !== "" : value !== undefined;
  switch (operator?.replace(":", "")) {
    case undefined:
      return value ?? "";
    case "-":
      return set ? (value as string) : interpolate(rest, env);
    case "+":
      return set ? interpolate(rest, env) : "";
    default:
      if (!set) throw new Error(`${name}: ${rest}`);
      return value as string;
  }
}

/** The environment Compose gives a service, for a project .env/shell holding `env`. */
function environmentOf(name: string, env: Record<string, string | undefined>) {
  return Object.fromEntries(
    Object.entries(service(name).environment ?? {}).map(([key, value]) => [
      key,
      interpolate(String(value), env),
    ]),
  );
}

/** KEY=value lines of an env file (commented-out lines are documentation). */
function envFileValues(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values[match[1] as string] = (match[2] as string).replace(/^"(.*)"$/, "$1");
  }
  return values;
}

/** Variables named in the config module's schema: what the CLI and the worker read. */
function configVariables(): string[] {
  const source = read("src/config/config.ts");
  const body = source.slice(source.indexOf("const schema = z.object({"));
  const names = [...body.slice(0, body.indexOf("\n});")).matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)];
  return names.map((m) => m[1] as string);
}

describe("docker-compose.yml", () => {
  it("runs PostgreSQL 17 with a pg_isready health check on a named volume", () => {
    const db = service("db");
    expect(db.image).toMatch(/^postgres:17(\b|$)/);
    expect(db.healthcheck?.test.join(" ")).toContain("pg_isready");
    const dataVolume = db.volumes?.find((v) => v.endsWith(":/var/lib/postgresql/data"));
    expect(dataVolume).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(dataVolume?.split(":")[0]);
  });

  it("runs NATS with JetStream and a health check", () => {
    const nats = service("nats");
    expect(nats.command).toContain("-js");
    expect(nats.healthcheck?.test.join(" ")).toMatch(/healthz/);
  });

  it("starts the worker from the image once the database and NATS are healthy", () => {
    const worker = service("worker");
    expect(worker.build).toBeDefined();
    expect(worker.command).toEqual(["worker"]);
    expect(worker.profiles).toBeUndefined();
    expect(worker.depends_on?.db).toEqual({ condition: "service_healthy" });
    expect(worker.depends_on?.nats).toEqual({ condition: "service_healthy" });
    // The image's HEALTHCHECK (on /healthz) stays in force.
    expect(worker.healthcheck).toBeUndefined();
    expect(worker.env_file).toEqual([{ path: ".env", required: false }]);
  });

  it("adds the simulator in the demo profile only, and the worker waits for it there", () => {
    const simulator = service("simulator");
    expect(simulator.profiles).toEqual(["demo"]);
    expect(simulator.build).toEqual(service("worker").build);
    expect(simulator.command).toEqual([
      "simulator",
      "--port",
      "4010",
      "--host",
      "0.0.0.0",
      "--files",
      "200",
    ]);
    expect(simulator.healthcheck?.test.join(" ")).toContain("127.0.0.1:4010");
    expect(service("worker").depends_on?.simulator).toEqual({
      condition: "service_healthy",
      required: false,
    });
    const profiled = Object.entries(compose.services).filter(([, s]) => s.profiles !== undefined);
    expect(profiled.map(([name]) => name)).toEqual(["simulator"]);
  });

  it("gives the worker everything it requires, pointed at the simulator, without any .env", () => {
    const env = environmentOf("worker", {});
    const config = loadConfig(env);
    expect(() => requireApiKey(config)).not.toThrow();
    // No embedded PostgreSQL in a container: the URL must come from compose.
    expect(config.database.url).toBe("postgresql://novita:novita@db:5432/novita_file_sync");
    expect(config.events.natsUrl).toBe("nats://nats:4222");
    expect(config.httpPort).toBe(8080);
    const simulatorCommand = service("simulator").command ?? [];
    const port = simulatorCommand[simulatorCommand.indexOf("--port") + 1];
    expect(config.novita.baseUrl).toBe(`http://simulator:${port}/openai/v1`);
    expect(environmentOf("simulator", {}).NOVITA_API_KEY).toBe(config.novita.apiKey);
  });

  it("uses the real API and the account's key when .env sets them", () => {
    const env = {
      NOVITA_API_KEY: "sk-live-account",
      NOVITA_BASE_URL: "https://api.novita.ai/openai/v1",
      POSTGRES_PASSWORD: "s3cret",
    };
    const config = loadConfig(environmentOf("worker", env));
    expect(config.novita).toMatchObject({
      apiKey: "sk-live-account",
      baseUrl: "https://api.novita.ai/openai/v1",
    });
    expect(config.database.url).toBe("postgresql://novita:s3cret@db:5432/novita_file_sync");
    // In the demo profile the simulator expects whatever key the worker sends.
    expect(environmentOf("simulator", env).NOVITA_API_KEY).toBe("sk-live-account");
  });

  it("works with .env.example copied to .env as it is", () => {
    const dotEnv = envFileValues(read(".env.example"));
    const config = loadConfig({ ...dotEnv, ...environmentOf("worker", dotEnv) });
    expect(() => requireApiKey(config)).not.toThrow();
    expect(config.database.url).toBeDefined();
  });
});

describe(".env.example", () => {
  const documented = new Set(
    [...read(".env.example").matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]),
  );

  it("documents every variable the configuration reads, and the _FILE variant of each secret", () => {
    const variables = configVariables();
    expect(variables.length).toBeGreaterThan(30);
    expect(variables.filter((name) => !documented.has(name))).toEqual([]);
    const fileVariants = secretVariables.map((name) => `${name}_FILE`);
    expect(fileVariants.filter((name) => !documented.has(name))).toEqual([]);
  });

  it("documents every variable docker-compose.yml interpolates", () => {
    const used = new Set(
      [...JSON.stringify(compose).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]),
    );
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
  });
});

describe("the compose interpolation used by these tests", () => {
  it("resolves nested defaults, escapes and alternatives as Compose does", () => {
    // biome-ignore-start lint/suspicious/noTemplateCurlyInString: Compose's syntax, not JavaScript's
    expect(interpolate("${A:-x${B:-y}z}", {})).toBe("xyz");
    expect(interpolate("${A:-x}", { A: "" })).toBe("x");
    expect(interpolate("${A-x}", { A: "" })).toBe("");
    expect(interpolate("$$HOME ${A:+set}", { A: "1" })).toBe("$HOME set");
    expect(() => interpolate("${A:?needed}", {})).toThrow("needed");
    // biome-ignore-end lint/suspicious/noTemplateCurlyInString: Compose's syntax, not JavaScript's
  });
});
