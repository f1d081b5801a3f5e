import type { DemoTiming } from "./demo-timing.js";

export interface DemoEnvironmentInput {
  timing: DemoTiming;
  databaseUrl: string;
  simulator: { baseUrl: string; apiKey: string };
  webhook: { url: string; secret: string };
  httpPort: number;
  logLevel: string;
  /** Where the demo archives its batch outputs (the local store). */
  archiveDir: string;
  /** The user's environment: only EVENT_TYPE_PREFIX and EVENT_SOURCE are taken from it. */
  userEnv: NodeJS.ProcessEnv;
}

/**
 * The worker's configuration for the demo, as environment variables for loadConfig: the
 * simulator instead of Novita, the local receiver as the only sink, and schedules and warning
 * windows of seconds instead of minutes and hours. The guard settings are spelled out because
 * the script's API glitch is sized to trip them.
 */
export function demoEnvironment(input: DemoEnvironmentInput): Record<string, string> {
  const { timing, userEnv } = input;
  return {
    NOVITA_API_KEY: input.simulator.apiKey,
    NOVITA_BASE_URL: input.simulator.baseUrl,
    NOVITA_RETRIES: "2",
    NOVITA_TIMEOUT_MS: "10000",
    DATABASE_URL: input.databaseUrl,
    DATABASE_POOL_SIZE: "5",
    LOG_LEVEL: input.logLevel,
    HTTP_PORT: String(input.httpPort),
    HTTP_HOST: "127.0.0.1",
    SYNC_ON_START: "true",
    SYNC_SCHEDULE: timing.schedule,
    EXPIRY_SCAN_SCHEDULE: timing.schedule,
    // /readyz should not call the demo stale between its quick syncs.
    SYNC_STALE_AFTER: "1h",
    EXPIRY_WARNING_WINDOWS: timing.warningWindowsMs.map((ms) => `${ms}ms`).join(","),
    DISAPPEARANCE_CONFIRMATIONS: "1",
    MASS_DISAPPEARANCE_MIN: "10",
    MASS_DISAPPEARANCE_RATIO: "0.5",
    GUARD_CONFIRMATIONS: "3",
    EMIT_CREATED_ON_BOOTSTRAP: "false",
    // The expiry alert becomes "safely archived": batch outputs are saved before they expire.
    ARCHIVE_PURPOSES: "batch_output",
    ARCHIVE_DIR: input.archiveDir,
    ARCHIVE_SCHEDULE: timing.schedule,
    WEBHOOK_URL: input.webhook.url,
    WEBHOOK_SECRET: input.webhook.secret,
    WEBHOOK_TIMEOUT_MS: "5000",
    DISPATCH_POLL_INTERVAL_MS: "1000",
    SHUTDOWN_TIMEOUT_MS: "10000",
    ...(userEnv.EVENT_TYPE_PREFIX ? { EVENT_TYPE_PREFIX: userEnv.EVENT_TYPE_PREFIX } : {}),
    ...(userEnv.EVENT_SOURCE ? { EVENT_SOURCE: userEnv.EVENT_SOURCE } : {}),
  };
}
