import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/config.js";
import { formatDuration, parseDuration } from "../src/config/duration.js";
import { ConfigError } from "../src/errors.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return "";
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
};

describe("loadConfig", () => {
  it("applies the documented defaults to an empty environment", () => {
    const config = loadConfig({});
    expect(config.novita.baseUrl).toBe("https://api.novita.ai/openai/v1");
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe("./.data");
    expect(config.httpPort).toBe(8080);
    expect(config.expiry.windowsMs).toEqual([86_400_000, 3_600_000]);
    expect(config.sync.emitCreatedOnBootstrap).toBe(false);
  });

  it("names every invalid variable and what it expects", () => {
    const message = problemsOf({
      HTTP_PORT: "eighty",
      DATABASE_URL: "mysql://x",
      EXPIRY_WARNING_WINDOWS: "24h,soon",
      LOG_LEVEL: "loud",
      DATABASE_POOL_SIZE: "1",
    });
    expect(message).toContain("HTTP_PORT");
    expect(message).toContain(
      'DATABASE_POOL_SIZE: expects a whole number from 2 up, e.g. 10 (got "1")',
    );
    expect(message).toContain("DATABASE_URL: expects a postgres:// or postgresql:// URL");
    expect(message).toContain("EXPIRY_WARNING_WINDOWS");
    expect(message).toContain("LOG_LEVEL: expects one of");
  });

  it("reads a secret from its _FILE variant and refuses both being set", () => {
    const dir = temporaryDirectory("nfs-config-");
    writeFileSync(join(dir, "key"), "sk-from-file\n");
    expect(loadConfig({ NOVITA_API_KEY_FILE: join(dir, "key") }).novita.apiKey).toBe(
      "sk-from-file",
    );
    expect(problemsOf({ NOVITA_API_KEY: "a", NOVITA_API_KEY_FILE: join(dir, "key") })).toContain(
      "NOVITA_API_KEY and NOVITA_API_KEY_FILE are both set",
    );
    expect(problemsOf({ WEBHOOK_SECRET_FILE: join(dir, "missing") })).toContain(
      "WEBHOOK_SECRET_FILE: cannot read",
    );
  });

  it("lists every secret in force so logs can be scrubbed of them", () => {
    const config = loadConfig({
      NOVITA_API_KEY: "sk-canary",
      DATABASE_URL: "postgresql://app:hunter22@db:5432/x",
      WEBHOOK_URL: "https://example.test/hook",
      WEBHOOK_SECRET: "whsec_c2VjcmV0c2VjcmV0",
    });
    expect(config.secrets.sort()).toEqual(
      ["hunter22", "sk-canary", "whsec_c2VjcmV0c2VjcmV0", "c2VjcmV0c2VjcmV0"].sort(),
    );
  });
});

describe("durations", () => {
  it("parses units and combinations, and rejects anything else", () => {
    expect(parseDuration("30m")).toBe(1_800_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("2d")).toBe(172_800_000);
    expect(() => parseDuration("10")).toThrow(/not a duration/);
    expect(() => parseDuration("5 minutes")).toThrow(/not a duration/);
  });

  it("formats in the two largest units", () => {
    expect(formatDuration(90_061_000)).toBe("1d 1h");
    expect(formatDuration(45_000)).toBe("45s");
    expect(formatDuration(-3_600_000)).toBe("-1h");
  });
});
