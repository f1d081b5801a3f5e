import { formatBytes } from "./format-bytes.js";
import { formatTable, type TableColumn } from "./format-table.js";
import type { DailyStat, DailyStatsReport } from "./list-daily-stats.js";

const columns: TableColumn<DailyStat>[] = [
  { header: "DAY (UTC)", value: (s) => s.day },
  { header: "PURPOSE", value: (s) => s.purpose },
  { header: "FILES", align: "right", value: (s) => String(s.files) },
  { header: "SIZE", align: "right", value: (s) => formatBytes(s.bytes) },
  { header: "CREATED", align: "right", value: (s) => String(s.created) },
  { header: "DISAPPEARED", align: "right", value: (s) => String(s.disappeared) },
  { header: "EXPIRED", align: "right", value: (s) => String(s.expired) },
  { header: "DELETED", align: "right", value: (s) => String(s.deleted) },
  { header: "REAPPEARED", align: "right", value: (s) => String(s.reappeared) },
];

/** The report for people: one line per day and purpose, oldest day first. */
export function renderStatsTable(report: DailyStatsReport): string {
  const span = `the last ${report.days} day${report.days === 1 ? "" : "s"}`;
  if (report.stats.length === 0) return `No file history in ${span}.\n`;
  const note = "FILES and SIZE: held at the end of the day (today: now).";
  return `Files by UTC day and purpose, ${span}. ${note}\n\n${formatTable(columns, report.stats)}\n`;
}

/** The report for scripts: one line of JSON with raw counts and bytes. */
export function renderStatsJson(report: DailyStatsReport): string {
  return `${JSON.stringify({ days: report.days, stats: report.stats })}\n`;
}
