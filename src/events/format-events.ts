import type { SinkBacklog } from "../db/tables/event-deliveries.js";
import type { ListedDelivery, ListedEvent } from "../db/tables/events.js";
import { oneLine } from "../report/format-one-line.js";
import { formatTable, type TableColumn } from "../report/format-table.js";
import { formatUtcTime } from "../report/format-utc-time.js";

// `events list` and `events sinks` print like the reports: a summary line and a table for
// people, one line of snake_case JSON for scripts.

/** What `events list` was asked for, echoed in its output. */
export interface EventListQuery {
  type: string | undefined;
  since: Date | undefined;
  limit: number;
}

const eventColumns: TableColumn<ListedEvent>[] = [
  { header: "SEQ", align: "right", value: (e) => String(e.seq) },
  { header: "OCCURRED (UTC)", value: (e) => formatUtcTime(e.occurredAt) },
  { header: "TYPE", value: (e) => e.type },
  { header: "FILE", value: (e) => e.fileId ?? "-" },
  { header: "EVENT ID", value: (e) => e.id },
  { header: "DELIVERIES", value: (e) => formatDeliveries(e.deliveries) },
];

/** The events, oldest first, under a line that says what was selected. */
export function renderEventsTable(query: EventListQuery, events: readonly ListedEvent[]): string {
  const what = `${query.type ?? ""}${query.type === undefined ? "" : " "}event`;
  const since = query.since === undefined ? "" : ` since ${formatUtcTime(query.since)} UTC`;
  if (events.length === 0) return `No ${what}s${since}.\n`;
  const n = events.length;
  const latest = n === query.limit ? `The latest ${n}` : `${n}`;
  return `${latest} ${what}${n === 1 ? "" : "s"}${since}, oldest first:\n\n${formatTable(eventColumns, events)}\n`;
}

export function renderEventsJson(query: EventListQuery, events: readonly ListedEvent[]): string {
  return `${JSON.stringify({
    type: query.type ?? null,
    since: query.since?.toISOString() ?? null,
    limit: query.limit,
    events: events.map((e) => ({
      id: e.id,
      seq: e.seq,
      type: e.type,
      file_id: e.fileId,
      occurred_at: e.occurredAt.toISOString(),
      data: e.data,
      deliveries: e.deliveries.map((d) => ({
        sink: d.sink,
        status: d.status,
        attempts: d.attempts,
        next_attempt_at: d.nextAttemptAt,
        last_error: d.lastError,
        delivered_at: d.deliveredAt,
      })),
    })),
  })}\n`;
}

function formatDeliveries(deliveries: readonly ListedDelivery[]): string {
  if (deliveries.length === 0) return "no deliveries";
  return deliveries
    .map((d) => {
      const tries = `${d.attempts} attempt${d.attempts === 1 ? "" : "s"}`;
      const detail =
        d.status === "delivered" ? "" : `, ${oneLine(d.lastError ?? "not attempted yet", 60)}`;
      return `${d.sink} ${d.status} (${tries}${detail})`;
    })
    .join("; ");
}

const sinkColumns = (now: Date): TableColumn<SinkBacklog>[] => [
  { header: "SINK", value: (s) => s.sink },
  { header: "STATUS", value: (s) => s.status },
  { header: "PENDING", align: "right", value: (s) => String(s.pending) },
  { header: "DEAD", align: "right", value: (s) => String(s.dead) },
  {
    header: "OLDEST PENDING",
    align: "right",
    value: (s) =>
      s.oldestPendingAgeSeconds === null ? "-" : `${Math.round(s.oldestPendingAgeSeconds)}s`,
  },
  {
    header: "PAUSED UNTIL (UTC)",
    value: (s) =>
      s.pausedUntil !== null && s.pausedUntil.getTime() > now.getTime()
        ? formatUtcTime(s.pausedUntil)
        : "-",
  },
];

/** One line per registered sink: status, pending, dead, the oldest wait, a pause. */
export function renderSinksTable(sinks: readonly SinkBacklog[], now: Date): string {
  if (sinks.length === 0)
    return "No sink registered yet (the worker registers the configured ones).\n";
  return `${formatTable(sinkColumns(now), sinks)}\n`;
}

export function renderSinksJson(sinks: readonly SinkBacklog[]): string {
  return `${JSON.stringify({ sinks: sinks.map(sinkJson) })}\n`;
}

/** A sink's backlog as the JSON outputs (`events sinks`, `status`) write it. */
export function sinkJson(s: SinkBacklog) {
  return {
    sink: s.sink,
    status: s.status,
    pending: s.pending,
    dead: s.dead,
    oldest_pending_age_seconds:
      s.oldestPendingAgeSeconds === null ? null : Math.round(s.oldestPendingAgeSeconds),
    paused_until: s.pausedUntil?.toISOString() ?? null,
  };
}
