import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError } from "../errors.js";
import {
  bool,
  cron,
  duration,
  durationList,
  int,
  list,
  optionalText,
  port,
  postgresUrl,
  ratio,
  timezone,
  url,
} from "./env-schema.js";
import { secretVariables } from "./secret-variables.js";

export { secretVariables };

const schema = z.object({
  NOVITA_API_KEY: optionalText,
  NOVITA_BASE_URL: url(/^https?:$/, "an http(s) URL, e.g. https://api.novita.ai/openai/v1").default(
    "https://api.novita.ai/openai/v1",
  ),
  NOVITA_TIMEOUT_MS: int(30_000, 1),
  NOVITA_DEADLINE_MS: int(300_000, 1),
  NOVITA_RETRIES: int(5, 0),
  NOVITA_MAX_RESPONSE_BYTES: int(4 * 1024 * 1024 * 1024, 1),
  NOVITA_MAX_PAGES: int(1000, 1),

  DATABASE_URL: optionalText.pipe(postgresUrl.optional()),
  MIGRATION_DATABASE_URL: optionalText.pipe(postgresUrl.optional()),
  DATA_DIR: z.string().min(1).default("./.data"),
  EMBEDDED_POSTGRES_PORT: port(54329, 1),
  // Two at least: a sync holds one connection (its lock and COPY) while another writes.
  DATABASE_POOL_SIZE: int(10, 2),
  DATABASE_CONNECT_TIMEOUT_MS: int(10_000, 1),
  DATABASE_STATEMENT_TIMEOUT_MS: int(300_000, 0),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(300_000, 0),

  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "expects one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
  LOG_FORMAT: optionalText.pipe(
    z
      .enum(["json", "pretty"], { error: "expects json or pretty (unset: pretty on a terminal)" })
      .optional(),
  ),
  HTTP_PORT: port(8080, 0),
  HTTP_HOST: z.string().min(1).default("0.0.0.0"),

  DISAPPEARANCE_CONFIRMATIONS: int(1, 1),
  MASS_DISAPPEARANCE_MIN: int(10, 0),
  MASS_DISAPPEARANCE_RATIO: ratio(0.5),
  GUARD_CONFIRMATIONS: int(3, 1),
  EMIT_CREATED_ON_BOOTSTRAP: bool(false),

  EXPIRY_WARNING_WINDOWS: durationList("24h,1h"),
  EXPIRY_SCAN_SCHEDULE: cron("* * * * *"),

  EVENT_SOURCE: z.string().min(1).default("urn:novita-file-sync"),
  EVENT_TYPE_PREFIX: z
    .string()
    .regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/, "expects a reverse-DNS name such as ai.novita.filesync")
    .default("ai.novita.filesync"),
  WEBHOOK_URL: list(
    url(/^https?:$/, "http(s) URLs separated by commas, e.g. https://hooks.example.com/novita"),
  ),
  WEBHOOK_SECRET: optionalText.pipe(
    z
      .string()
      .regex(
        /^whsec_[A-Za-z0-9+/=]+$/,
        "expects a secret in whsec_<base64> form, e.g. whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
      )
      .optional(),
  ),
  WEBHOOK_TIMEOUT_MS: int(10_000, 1),
  WEBHOOK_MAX_ATTEMPTS: int(8, 1),
  NATS_URL: optionalText.pipe(
    url(/^(nats|tls|wss?):$/, "a nats:// URL, e.g. nats://127.0.0.1:4222").optional(),
  ),
  NATS_SUBJECT_PREFIX: z.string().min(1).default("novita.files"),
  NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "expects letters, digits, _ or -")
    .default("NOVITA_FILE_EVENTS"),
  DISPATCH_POLL_INTERVAL_MS: int(5_000, 10),
  DISPATCH_BATCH_SIZE: int(100, 1),

  ARCHIVE_PURPOSES: list(
    z.string().regex(/^[a-z0-9_-]+$/, "expects purposes such as batch_output"),
  ),
  ARCHIVE_CONCURRENCY: int(4, 1),
  ARCHIVE_DIR: optionalText,
  ARCHIVE_SCHEDULE: cron("*/10 * * * *"),
  ARCHIVE_LEASE: duration("15m"),
  ARCHIVE_S3_BUCKET: optionalText,
  ARCHIVE_S3_PREFIX: z.string().default(""),
  ARCHIVE_S3_FORCE_PATH_STYLE: bool(false),
  AWS_REGION: optionalText,
  AWS_ENDPOINT_URL_S3: optionalText.pipe(url(/^https?:$/, "an http(s) URL").optional()),
  AWS_ENDPOINT_URL: optionalText.pipe(url(/^https?:$/, "an http(s) URL").optional()),
  AWS_ACCESS_KEY_ID: optionalText,
  AWS_SECRET_ACCESS_KEY: optionalText,

  SYNC_ON_START: bool(true),
  SYNC_SCHEDULE: cron("*/5 * * * *"),
  SYNC_TIMEZONE: timezone("UTC"),
  SYNC_STALE_AFTER: duration("30m"),
  SHUTDOWN_TIMEOUT_MS: int(30_000, 0),

  EVENT_RETENTION: duration("30d"),
  RUN_RETENTION: duration("90d"),
  RETENTION_SCHEDULE: cron("17 * * * *"),
});

type Env = z.output<typeof schema>;

/** S3-compatible storage for archives; unset credentials fall back to the AWS SDK's own chain. */
export interface ArchiveS3Config {
  bucket: string;
  prefix: string;
  region: string;
  endpoint: string | undefined;
  forcePathStyle: boolean;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** The resolved configuration, parsed once at the edge and passed down. */
export interface Config {
  novita: {
    apiKey: string | undefined;
    baseUrl: string;
    timeoutMs: number;
    deadlineMs: number;
    retries: number;
    maxResponseBytes: number;
    maxPages: number;
  };
  database: {
    /** Unset: the embedded PostgreSQL under `dataDir` is used. */
    url: string | undefined;
    /** Owner role for migrations; defaults to `url`. */
    migrationUrl: string | undefined;
    dataDir: string;
    embeddedPort: number;
    poolSize: number;
    connectTimeoutMs: number;
    statementTimeoutMs: number;
    idleInTransactionTimeoutMs: number;
  };
  logLevel: Env["LOG_LEVEL"];
  /** Unset: pretty lines when stderr is a terminal, JSON lines otherwise. */
  logFormat: "json" | "pretty" | undefined;
  httpPort: number;
  /** Address the health and metrics server binds (all interfaces by default, for containers). */
  httpHost: string;
  sync: {
    disappearanceConfirmations: number;
    massDisappearanceMin: number;
    massDisappearanceRatio: number;
    guardConfirmations: number;
    emitCreatedOnBootstrap: boolean;
    onStart: boolean;
    schedule: string;
    timezone: string;
    staleAfterMs: number;
  };
  expiry: { windowsMs: number[]; scanSchedule: string };
  archive: {
    /** Empty: archiving is off. */
    purposes: string[];
    concurrency: number;
    /** The local store's directory (ARCHIVE_DIR, default `<DATA_DIR>/archive`). */
    directory: string;
    schedule: string;
    leaseMs: number;
    /** Set when ARCHIVE_S3_BUCKET is: archives go to S3-compatible storage instead. */
    s3: ArchiveS3Config | undefined;
  };
  events: {
    source: string;
    typePrefix: string;
    webhookUrls: string[];
    webhookSecret: string | undefined;
    webhookTimeoutMs: number;
    webhookMaxAttempts: number;
    natsUrl: string | undefined;
    natsSubjectPrefix: string;
    natsStream: string;
    pollIntervalMs: number;
    batchSize: number;
  };
  shutdownTimeoutMs: number;
  /** What `prune` and the worker's RETENTION_SCHEDULE delete (see docs/reporting.md). */
  retention: { eventRetentionMs: number; runRetentionMs: number; schedule: string };
  /** Every secret value in force, for scrubbing logs and errors. */
  secrets: string[];
}

/**
 * Reads the configuration from environment variables. Throws a ConfigError that names every
 * missing or invalid variable and what it expects.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const raw: Record<string, string | undefined> = { ...env };
  for (const name of secretVariables) {
    const fileVar = `${name}_FILE`;
    const path = env[fileVar];
    if (path === undefined || path === "") continue;
    if (env[name] !== undefined && env[name] !== "") {
      problems.push(`${name} and ${fileVar} are both set; set only one of them`);
      continue;
    }
    try {
      raw[name] = readFileSync(path, "utf8").trim();
    } catch (error) {
      problems.push(`${fileVar}: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join(".")}: ${issue.message}`);
    }
  }
  if (
    parsed.success &&
    parsed.data.WEBHOOK_URL.length > 0 &&
    parsed.data.WEBHOOK_SECRET === undefined
  ) {
    problems.push("WEBHOOK_SECRET: expects a whsec_ secret when WEBHOOK_URL is set");
  }
  if (problems.length > 0 || !parsed.success) throw invalidConfiguration(problems);
  const e = parsed.data;
  return {
    novita: {
      apiKey: e.NOVITA_API_KEY,
      baseUrl: e.NOVITA_BASE_URL.replace(/\/+$/, ""),
      timeoutMs: e.NOVITA_TIMEOUT_MS,
      deadlineMs: e.NOVITA_DEADLINE_MS,
      retries: e.NOVITA_RETRIES,
      maxResponseBytes: e.NOVITA_MAX_RESPONSE_BYTES,
      maxPages: e.NOVITA_MAX_PAGES,
    },
    database: {
      url: e.DATABASE_URL,
      migrationUrl: e.MIGRATION_DATABASE_URL,
      dataDir: e.DATA_DIR,
      embeddedPort: e.EMBEDDED_POSTGRES_PORT,
      poolSize: e.DATABASE_POOL_SIZE,
      connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    sync: {
      disappearanceConfirmations: e.DISAPPEARANCE_CONFIRMATIONS,
      massDisappearanceMin: e.MASS_DISAPPEARANCE_MIN,
      massDisappearanceRatio: e.MASS_DISAPPEARANCE_RATIO,
      guardConfirmations: e.GUARD_CONFIRMATIONS,
      emitCreatedOnBootstrap: e.EMIT_CREATED_ON_BOOTSTRAP,
      onStart: e.SYNC_ON_START,
      schedule: e.SYNC_SCHEDULE,
      timezone: e.SYNC_TIMEZONE,
      staleAfterMs: e.SYNC_STALE_AFTER,
    },
    expiry: { windowsMs: e.EXPIRY_WARNING_WINDOWS, scanSchedule: e.EXPIRY_SCAN_SCHEDULE },
    archive: {
      purposes: e.ARCHIVE_PURPOSES,
      concurrency: e.ARCHIVE_CONCURRENCY,
      directory: e.ARCHIVE_DIR ?? join(e.DATA_DIR, "archive"),
      schedule: e.ARCHIVE_SCHEDULE,
      leaseMs: e.ARCHIVE_LEASE,
      s3:
        e.ARCHIVE_S3_BUCKET === undefined
          ? undefined
          : {
              bucket: e.ARCHIVE_S3_BUCKET,
              prefix: e.ARCHIVE_S3_PREFIX,
              region: e.AWS_REGION ?? "us-east-1",
              endpoint: e.AWS_ENDPOINT_URL_S3 ?? e.AWS_ENDPOINT_URL,
              forcePathStyle: e.ARCHIVE_S3_FORCE_PATH_STYLE,
              credentials:
                e.AWS_ACCESS_KEY_ID === undefined || e.AWS_SECRET_ACCESS_KEY === undefined
                  ? undefined
                  : { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY },
            },
    },
    events: {
      source: e.EVENT_SOURCE,
      typePrefix: e.EVENT_TYPE_PREFIX,
      webhookUrls: e.WEBHOOK_URL,
      webhookSecret: e.WEBHOOK_SECRET,
      webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
      webhookMaxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      natsUrl: e.NATS_URL,
      natsSubjectPrefix: e.NATS_SUBJECT_PREFIX,
      natsStream: e.NATS_STREAM,
      pollIntervalMs: e.DISPATCH_POLL_INTERVAL_MS,
      batchSize: e.DISPATCH_BATCH_SIZE,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    retention: {
      eventRetentionMs: e.EVENT_RETENTION,
      runRetentionMs: e.RUN_RETENTION,
      schedule: e.RETENTION_SCHEDULE,
    },
    secrets: secretsInForce(e),
  };
}

/** For commands that call the API: the key must be there. */
export function requireApiKey(config: Config): string {
  if (config.novita.apiKey === undefined) {
    throw invalidConfiguration([
      "NOVITA_API_KEY: required; set it (or NOVITA_API_KEY_FILE) to your Novita API key",
    ]);
  }
  return config.novita.apiKey;
}

/** One error naming every problem, and where the settings are described. */
function invalidConfiguration(problems: string[]): ConfigError {
  return new ConfigError(
    `Invalid configuration:\n  - ${problems.join("\n  - ")}\n` +
      "(environment variables, or .env in the working directory; see Configuration in README.md)",
  );
}

/** Each secret as it may be written: whole, and in the forms that appear inside other text. */
function secretsInForce(e: Env): string[] {
  const secrets = [
    e.NOVITA_API_KEY,
    e.WEBHOOK_SECRET,
    e.WEBHOOK_SECRET?.replace(/^whsec_/, ""),
    e.AWS_SECRET_ACCESS_KEY,
  ];
  for (const databaseUrl of [e.DATABASE_URL, e.MIGRATION_DATABASE_URL]) {
    try {
      const raw = databaseUrl === undefined ? "" : new URL(databaseUrl).password;
      secrets.push(raw, decodeURIComponent(raw));
    } catch {
      // not a URL: refused by the schema before this point
    }
  }
  return [...new Set(secrets)].filter((s): s is string => s !== undefined && s !== "");
}
