import { formatDuration } from "../config/duration.js";
import { formatBytes } from "./format-bytes.js";
import { formatTable, type TableColumn } from "./format-table.js";
import { formatOptionalUtcTime, formatUtcTime } from "./format-utc-time.js";
import type { DisappearedFile, DisappearedFilesReport } from "./list-disappeared-files.js";

const columns: TableColumn<DisappearedFile>[] = [
  { header: "DISAPPEARED (UTC)", value: (f) => formatUtcTime(f.disappearedAt) },
  { header: "REASON", value: (f) => f.reason },
  { header: "SIZE", align: "right", value: (f) => formatBytes(f.bytes) },
  { header: "PURPOSE", value: (f) => f.purpose },
  { header: "LIVED", align: "right", value: (f) => formatDuration(f.lifetimeMs) },
  { header: "LAST SEEN (UTC)", value: (f) => formatOptionalUtcTime(f.lastSeenAt) },
  { header: "NOW", value: (f) => (f.statusNow === "active" ? "back" : "gone") },
  { header: "ID", value: (f) => f.id },
  { header: "FILENAME", value: (f) => f.filename },
];

/** The report for people: a summary line, then the disappearances, latest first. */
export function renderDisappearedTable(report: DisappearedFilesReport): string {
  const since = `${formatUtcTime(report.since)} UTC`;
  const count = report.files.length;
  if (count === 0) return `No file disappeared since ${since}.\n`;
  const expired = report.files.filter((f) => f.reason === "expired").length;
  const summary =
    `${count} disappearance${count === 1 ? "" : "s"} since ${since}: ` +
    `${count - expired} deleted, ${expired} expired`;
  return `${summary}\n\n${formatTable(columns, report.files)}\n`;
}

/** The report for scripts: one line of JSON, raw bytes and milliseconds, ISO 8601 times. */
export function renderDisappearedJson(report: DisappearedFilesReport): string {
  return `${JSON.stringify({
    since: report.since.toISOString(),
    files: report.files.map((f) => ({
      id: f.id,
      filename: f.filename,
      purpose: f.purpose,
      bytes: f.bytes,
      disappeared_at: f.disappearedAt.toISOString(),
      reason: f.reason,
      created_at: f.createdAt.toISOString(),
      expires_at: f.expiresAt?.toISOString() ?? null,
      lifetime_ms: f.lifetimeMs,
      last_seen_at: f.lastSeenAt?.toISOString() ?? null,
      status_now: f.statusNow,
    })),
  })}\n`;
}
