import { formatDuration } from "../config/duration.js";
import { formatBytes } from "./format-bytes.js";
import { formatTable, type TableColumn } from "./format-table.js";
import { formatUtcTime } from "./format-utc-time.js";
import type { FieldChange, FileHistoryReport, HistoryVersion } from "./get-file-history.js";

const columns: TableColumn<HistoryVersion>[] = [
  { header: "VERSION", align: "right", value: (v) => String(v.version) },
  { header: "FROM (UTC)", value: (v) => formatUtcTime(v.validFrom) },
  { header: "TO (UTC)", value: (v) => (v.validTo === null ? "now" : formatUtcTime(v.validTo)) },
  { header: "FOR", align: "right", value: (v) => formatDuration(v.validForMs) },
  { header: "CHANGE", value: (v) => v.change },
  { header: "STATUS", value: (v) => v.status },
  { header: "SIZE", align: "right", value: (v) => formatBytes(v.bytes) },
  { header: "WHAT CHANGED", value: describeVersion },
];

/** The report for people: the file now, then one line per version, oldest first. */
export function renderHistoryTable(report: FileHistoryReport): string {
  const { file } = report;
  if (file === null) return `No file ${report.fileId} in the mirror.\n`;
  const n = report.versions.length;
  const lines = [
    `${file.id}  ${file.filename}`,
    `  ${file.purpose}, ${formatBytes(file.bytes)}, ${file.status}` +
      (file.disappearedAt === null ? "" : ` since ${formatUtcTime(file.disappearedAt)} UTC`) +
      `, ${n} version${n === 1 ? "" : "s"}`,
    `  created ${formatUtcTime(file.createdAt)} UTC, ` +
      (file.expiresAt === null ? "no expiry" : `expires ${formatUtcTime(file.expiresAt)} UTC`),
    `  first seen ${formatUtcTime(file.firstSeenAt)} UTC, last seen ${formatUtcTime(file.lastSeenAt)} UTC`,
  ];
  return `${lines.join("\n")}\n\n${formatTable(columns, report.versions)}\n`;
}

/** The report for scripts: one line of JSON; changed fields carry raw old and new values. */
export function renderHistoryJson(report: FileHistoryReport): string {
  const { file } = report;
  return `${JSON.stringify({
    file_id: report.fileId,
    file:
      file === null
        ? null
        : {
            id: file.id,
            filename: file.filename,
            purpose: file.purpose,
            bytes: file.bytes,
            status: file.status,
            version: file.version,
            created_at: file.createdAt.toISOString(),
            expires_at: file.expiresAt?.toISOString() ?? null,
            first_seen_at: file.firstSeenAt.toISOString(),
            last_seen_at: file.lastSeenAt.toISOString(),
            disappeared_at: file.disappearedAt?.toISOString() ?? null,
          },
    versions: report.versions.map((v) => ({
      version: v.version,
      valid_from: v.validFrom.toISOString(),
      valid_to: v.validTo?.toISOString() ?? null,
      valid_for_ms: v.validForMs,
      change: v.change,
      status: v.status,
      disappeared_reason: v.disappearedReason,
      filename: v.filename,
      bytes: v.bytes,
      purpose: v.purpose,
      created_at: v.createdAt.toISOString(),
      expires_at: v.expiresAt?.toISOString() ?? null,
      total_requests: v.totalRequests,
      metadata: v.metadata,
      changes: v.changes,
      sync_run_id: v.syncRunId,
    })),
  })}\n`;
}

/** `first seen`, `deleted`, `bytes 1.0 KiB → 2.0 KiB; filename a.jsonl → b.jsonl`, ... */
function describeVersion(v: HistoryVersion): string {
  const fields = v.changes.map(describeChange).join("; ");
  switch (v.change) {
    case "created":
      return "first seen";
    case "disappeared":
      return v.disappearedReason ?? "disappeared";
    case "reappeared":
      return fields === "" ? "listed again" : `listed again; ${fields}`;
    default:
      return fields;
  }
}

function describeChange(change: FieldChange): string {
  return `${change.field} ${describeValue(change.field, change.old)} → ${describeValue(change.field, change.new)}`;
}

function describeValue(field: FieldChange["field"], value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (value instanceof Date) return formatUtcTime(value);
  if (field === "bytes") return formatBytes(value as number | string);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
