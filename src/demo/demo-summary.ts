import { formatDuration } from "../config/duration.js";
import type { DemoCounts } from "./demo-counts.js";
import { demoEventTypes } from "./demo-event-types.js";
import { formatClock } from "./format-demo-line.js";

/** What the demo saw, for the closing summary and for callers (tests). */
export interface DemoResult extends Omit<DemoCounts, "readAt"> {
  /** Verified webhook deliveries by event type (no prefix), each event id counted once. */
  received: Record<string, number>;
  /** Event types that never arrived through the webhook. */
  missing: string[];
  /** When the table counts were read; undefined when they never could be. */
  countsReadAt: Date | undefined;
  /**
   * The counts are from before the stop, because the database was gone by then (Ctrl-C in a
   * terminal reaches the embedded PostgreSQL too, which shuts down at once).
   */
  countsBeforeStop: boolean;
  /** Requests the receiver refused because the signature did not verify. */
  rejected: number;
  /** Whether every step of the script ran. */
  scriptFinished: boolean;
  elapsedMs: number;
}

export function formatDemoSummary(result: DemoResult): string {
  const lines = [
    `Summary after ${formatDuration(result.elapsedMs)}:`,
    "  events received (verified):",
  ];
  for (const type of demoEventTypes) {
    const received = result.received[type] ?? 0;
    const written = result.written[type] ?? 0;
    const note = written > received ? `  (${written - received} written, not yet delivered)` : "";
    const reasons =
      type === "file.disappeared" && Object.keys(result.disappearedBy).length > 0
        ? `  (${listCounts(result.disappearedBy)})`
        : "";
    lines.push(`    ${type.padEnd(18)} ${String(received).padStart(4)}${reasons}${note}`);
  }
  lines.push(
    result.missing.length === 0
      ? "  every event type showed"
      : `  never showed: ${result.missing.join(", ")}`,
    `  files:     ${listCounts(result.filesByStatus)}`,
    `  sync runs: ${listCounts(result.runsByStatus)}`,
  );
  if (result.countsReadAt === undefined) {
    lines.push("  (the database was gone before the tables could be counted)");
  } else if (result.countsBeforeStop) {
    lines.push(
      `  (tables counted at ${formatClock(result.countsReadAt)}, before the database stopped)`,
    );
  }
  if (result.rejected > 0) {
    lines.push(`  refused ${result.rejected} request(s) whose signature did not verify`);
  }
  return `${lines.join("\n")}\n`;
}

function listCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? "none" : entries.map(([k, n]) => `${k} ${n}`).join(", ");
}
