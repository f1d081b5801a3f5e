import { formatDuration } from "../config/duration.js";
import { oneLine } from "./format-one-line.js";
import { formatTable, type TableColumn } from "./format-table.js";
import { formatUtcTime } from "./format-utc-time.js";
import type { RecentRunsReport, RunSummary } from "./list-recent-runs.js";

const count = (n: number) => String(n);
const optionalDuration = (ms: number | null) => (ms === null ? "-" : formatDuration(ms));

const columns: TableColumn<RunSummary>[] = [
  { header: "RUN", align: "right", value: (r) => String(r.id) },
  { header: "STARTED (UTC)", value: (r) => formatUtcTime(r.startedAt) },
  { header: "TRIGGER", value: (r) => r.trigger },
  { header: "OUTCOME", value: (r) => r.outcome },
  { header: "TOOK", align: "right", value: (r) => optionalDuration(r.durationMs) },
  { header: "SEEN", align: "right", value: (r) => count(r.filesSeen) },
  { header: "NEW", align: "right", value: (r) => count(r.created) },
  { header: "CHANGED", align: "right", value: (r) => count(r.updated) },
  { header: "GONE", align: "right", value: (r) => count(r.disappeared) },
  { header: "BACK", align: "right", value: (r) => count(r.reappeared) },
  { header: "INVALID", align: "right", value: (r) => count(r.invalid) },
  { header: "GAP", align: "right", value: (r) => optionalDuration(r.gapMs) },
  { header: "ERROR", value: (r) => oneLine(r.error ?? "") },
];

/** The report for people: how the runs went, then one line per run, latest first. */
export function renderRunsTable(report: RecentRunsReport): string {
  if (report.runs.length === 0) return "No sync run yet.\n";
  const byStatus = new Map<string, number>();
  for (const run of report.runs) byStatus.set(run.status, (byStatus.get(run.status) ?? 0) + 1);
  const tally = [...byStatus].map(([status, n]) => `${n} ${status}`).join(", ");
  const n = report.runs.length;
  return `Latest ${n} run${n === 1 ? "" : "s"}: ${tally}\n\n${formatTable(columns, report.runs)}\n`;
}

/** The report for scripts: one line of JSON, durations and gaps in milliseconds. */
export function renderRunsJson(report: RecentRunsReport): string {
  return `${JSON.stringify({
    last: report.last,
    runs: report.runs.map(runJson),
  })}\n`;
}

/** One run as the JSON outputs (`report runs`, `status`) write it. */
export function runJson(r: RunSummary) {
  return {
    id: r.id,
    trigger: r.trigger,
    status: r.status,
    outcome: r.outcome,
    started_at: r.startedAt.toISOString(),
    finished_at: r.finishedAt?.toISOString() ?? null,
    duration_ms: r.durationMs,
    files_seen: r.filesSeen,
    created: r.created,
    updated: r.updated,
    disappeared: r.disappeared,
    reappeared: r.reappeared,
    invalid: r.invalid,
    guarded: r.guarded,
    error_code: r.errorCode,
    error: r.error,
    gap_since_previous_ms: r.gapMs,
  };
}
