import { formatDuration } from "../config/duration.js";
import { formatBytes } from "./format-bytes.js";
import { formatTable, type TableColumn } from "./format-table.js";
import { formatTimeLeft } from "./format-time-left.js";
import type { ExpiringFile, ExpiringFilesReport } from "./list-expiring-files.js";

const columns: TableColumn<ExpiringFile>[] = [
  { header: "EXPIRES", value: (f) => formatTimeLeft(f.msLeft) },
  { header: "EXPIRES AT (UTC)", value: (f) => formatUtc(f.expiresAt) },
  { header: "SIZE", align: "right", value: (f) => formatBytes(f.bytes) },
  { header: "PURPOSE", value: (f) => f.purpose },
  { header: "ARCHIVED", value: (f) => (f.archived ? "yes" : "no") },
  { header: "ID", value: (f) => f.id },
  { header: "FILENAME", value: (f) => f.filename },
];

/** The report for people: a summary line, then a table, soonest first, in human units. */
export function renderExpiringTable(report: ExpiringFilesReport): string {
  const within = formatDuration(report.withinMs);
  const count = report.files.length;
  if (count === 0) return `No active file expires within ${within}.\n`;
  const summary = `${count} active file${count === 1 ? "" : "s"} expire${count === 1 ? "s" : ""} within ${within} (as of ${formatUtc(report.now)} UTC):`;
  return `${summary}\n\n${formatTable(columns, report.files)}\n`;
}

/**
 * The report for scripts: one line of JSON with raw numbers (bytes, milliseconds, seconds) and
 * ISO 8601 times.
 */
export function renderExpiringJson(report: ExpiringFilesReport): string {
  return `${JSON.stringify({
    now: report.now.toISOString(),
    within: formatDuration(report.withinMs),
    within_ms: report.withinMs,
    files: report.files.map((f) => ({
      id: f.id,
      filename: f.filename,
      purpose: f.purpose,
      bytes: f.bytes,
      expires_at: f.expiresAt.toISOString(),
      seconds_left: Math.floor(f.msLeft / 1000),
      archived: f.archived,
    })),
  })}\n`;
}

/** `2030-01-01 12:00:00`: ISO without the T and milliseconds, easier to read in a table. */
function formatUtc(date: Date): string {
  return date
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "");
}
