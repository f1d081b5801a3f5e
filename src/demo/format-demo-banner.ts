import { formatWindow } from "../expiry/format-window.js";
import { demoStartingFiles } from "./demo-script.js";
import type { DemoTiming } from "./demo-timing.js";

export interface DemoBannerInput {
  timing: DemoTiming;
  simulatorUrl: string;
  /** The database URL; a password in it is not printed. */
  databaseUrl: string;
  /** Where the embedded PostgreSQL keeps its data, or undefined for DATABASE_URL. */
  embeddedDataDir: string | undefined;
  httpPort: number;
  webhookUrl: string;
  durationMs: number | undefined;
}

/** What the demo is about to do, what runs where, and how to stop it. */
export function formatDemoBanner(input: DemoBannerInput): string {
  const { timing } = input;
  const speed =
    timing.speed === 1 ? "" : ` (speed ${timing.speed}: everything ${timing.speed}x faster)`;
  const windows = timing.warningWindowsMs.map(formatWindow).join(" and ");
  const database =
    input.embeddedDataDir === undefined
      ? `${withoutPassword(input.databaseUrl)} (DATABASE_URL)`
      : `${input.databaseUrl} (embedded, data in ${input.embeddedDataDir}; emptied at every start)`;
  const stop =
    input.durationMs === undefined
      ? "Press Ctrl-C to stop and see a summary (twice to exit at once)."
      : `Stops after ${Math.round(input.durationMs / 1000)}s with a summary; exit code 1 if an event type never showed.`;
  return [
    `novita-file-sync demo${speed}`,
    "A made-up Novita account changes following a script; the worker mirrors it into PostgreSQL",
    "and delivers every event to a local webhook receiver, which verifies each signature.",
    `  Novita simulator  ${input.simulatorUrl} (${demoStartingFiles} files to start with)`,
    `  PostgreSQL        ${database}`,
    `  worker            syncs and scans every ${timing.scheduleEverySeconds}s, warns ${windows} before expiry; http://127.0.0.1:${input.httpPort}/metrics`,
    `  webhook receiver  ${input.webhookUrl}`,
    "Below: one line per verified event (time, type, file, what happened), and the script's steps.",
    stop,
    "",
  ].join("\n");
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(DATABASE_URL)";
  }
}
