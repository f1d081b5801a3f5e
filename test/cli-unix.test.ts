import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSimulator } from "../src/simulator/simulator-server.js";
import { closeAfterAll, onCleanup } from "./helpers/cleanup.js";
import { stopLeftoverPostgres } from "./helpers/demo-process.js";
import { freePort } from "./helpers/free-port.js";
import { runCliProcess } from "./helpers/run-cli.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";
import { createTestDatabase } from "./helpers/test-database.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const version = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
).version;

describe("novita-file-sync as a Unix tool", () => {
  it("--version prints the package version and exits 0", async () => {
    const result = await runCliProcess(["--version"], {});
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("ends quietly with exit 0 when the reader closes the pipe early (| head)", async () => {
    const db = await createTestDatabase();
    await db.query(
      `INSERT INTO events (type, file_id, data)
       SELECT 'file.created', 'file-' || g, '{"filename":"a.jsonl"}' FROM generate_series(1, 3000) g`,
    );
    let chunks = 0;
    const result = await runCliProcess(
      ["events", "list", "--limit", "3000"],
      { DATABASE_URL: db.url },
      {
        onStdout: (_chunk, stop) => {
          chunks += 1;
          stop();
        },
      },
    );
    expect(chunks).toBeGreaterThan(0);
    // The whole list would be ~300 KB: far more than a pipe holds, so the writer met the closed end.
    expect(result.stdout.length).toBeLessThan(200_000);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  }, 30_000);

  it("reads .env in the working directory; the real environment and _FILE variants win", async () => {
    const db = await createTestDatabase();
    const dir = temporaryDirectory("nfs-dotenv-");
    writeFileSync(join(dir, "key"), "sk-from-a-file-0123456789\n");
    writeFileSync(
      join(dir, ".env"),
      `# as .env.example\nDATABASE_URL=${db.url}\nHTTP_PORT=abc\nNOVITA_API_KEY="sk-from-dotenv-0123456789"\n`,
    );
    const fromDotenv = await runCliProcess(["report", "runs", "--json"], {}, { cwd: dir });
    expect(fromDotenv.code).toBe(2);
    expect(fromDotenv.stderr).toContain(
      'HTTP_PORT: expects a whole number from 0 to 65535, e.g. 8080 (got "abc")',
    );
    const realWins = await runCliProcess(
      ["report", "runs", "--json"],
      { HTTP_PORT: "8081", NOVITA_API_KEY_FILE: join(dir, "key") },
      { cwd: dir },
    );
    expect(realWins.stderr).toBe("");
    expect(realWins.code).toBe(0);
    expect(JSON.parse(realWins.stdout)).toEqual({ last: 20, runs: [] });
  }, 30_000);

  it("help shows every default as a person writes it, and the README's commands agree", async () => {
    const rows = [...readme.matchAll(/^\| `npx novita-file-sync ([^`]+)`/gm)].map((m) => m[1]!);
    const checked: string[] = [];
    for (const row of rows) {
      const words = row.split(" ").filter((w) => /^[a-z][a-z-]*$/.test(w));
      const defaults = [...row.matchAll(/--([a-z-]+) ([0-9][0-9a-z]*)/g)];
      if (defaults.length === 0) continue;
      const help = await runCliProcess([...words, "--help"], {});
      expect(help.code, row).toBe(0);
      expect(help.stdout, row).not.toContain('{"');
      for (const [, option, value] of defaults) {
        const block = help.stdout.slice(help.stdout.indexOf(`--${option} `)).split(/\n {2}-/)[0]!;
        expect(block.replace(/\s+/g, " "), `${row}: --${option}`).toMatch(
          new RegExp(`(default: |, )${value}\\)`),
        );
        checked.push(`${words.join(" ")} --${option}`);
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        "report expiring --within",
        "report disappeared --since",
        "report runs --last",
        "report stats --days",
        "events list --limit",
        "simulator --port",
      ]),
    );
  }, 60_000);

  it("a sync that changed nothing is one line in a terminal, with the details at debug", async () => {
    const simulator = closeAfterAll(
      await startSimulator({ apiKey: "sk-one-line-0123456789", files: 5, seed: 2 }),
    );
    const db = await createTestDatabase();
    const env = {
      DATABASE_URL: db.url,
      NOVITA_API_KEY: "sk-one-line-0123456789",
      NOVITA_BASE_URL: simulator.baseUrl,
      LOG_FORMAT: "pretty",
    };
    expect((await runCliProcess(["sync"], env)).code).toBe(0);
    const quiet = await runCliProcess(["sync"], env);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe("");
    const lines = quiet.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("sync succeeded: nothing changed (5 files,");
    const detailed = await runCliProcess(["sync"], { ...env, LOG_LEVEL: "debug" });
    expect(detailed.stderr).toContain("sync details");
    expect(detailed.stderr).toMatch(/filesSeen.{0,20}5/);
  }, 60_000);

  it("on the embedded database, stdout holds nothing but the JSON, and reading never creates it", async () => {
    const dataDir = temporaryDirectory("nfs-data-");
    // As root, the embedded PostgreSQL runs as the `postgres` user, which must reach the directory.
    chmodSync(dataDir, 0o755);
    onCleanup(() => stopLeftoverPostgres(dataDir));
    const env = { DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await freePort()) };
    const before = await runCliProcess(["status", "--json"], env);
    expect(before.code).toBe(1);
    expect(before.stdout).toBe("");
    expect(before.stderr).toContain(`No embedded database under ${join(dataDir, "postgres")} yet`);
    expect(before.stderr).toContain("Run `novita-file-sync migrate`");
    expect((await runCliProcess(["migrate"], env, { timeoutMs: 60_000 })).code).toBe(0);
    for (const args of [
      ["status", "--json"],
      ["events", "list", "--json"],
      ["events", "sinks", "--json"],
      ["report", "runs", "--json"],
    ]) {
      const result = await runCliProcess(
        args,
        { ...env, LOG_LEVEL: "debug" },
        { timeoutMs: 60_000 },
      );
      expect(result.stdout.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
      expect(result.stderr).toContain(
        `Reading the embedded database under ${join(dataDir, "postgres")}`,
      );
      expect(
        result.stdout.trim(),
        `${args.join(" ")} printed nothing (exit ${result.code}); stderr: ${result.stderr}`,
      ).not.toBe("");
      const parsed = JSON.parse(result.stdout);
      if (args[0] === "status") {
        expect(result.code).toBe(1); // no sync yet: unhealthy, as /readyz would say
        expect(parsed.healthy).toBe(false);
        expect(parsed.database).toContain(`embedded at ${join(dataDir, "postgres")}`);
      } else {
        expect(result.code, args.join(" ")).toBe(0);
      }
    }
  }, 150_000);
});
