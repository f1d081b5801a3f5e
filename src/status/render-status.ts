import { formatDuration } from "../config/duration.js";
import { renderSinksTable, sinkJson } from "../events/format-events.js";
import { formatUtcTime } from "../report/format-utc-time.js";
import { renderRunsTable, runJson } from "../report/render-runs-report.js";
import type { MirrorStatus } from "./read-status.js";

/** What the status is about, beside what the database holds. */
export interface StatusContext {
  /** `postgresql://user@host:5432/db` (never a password), or `embedded at .data/postgres`. */
  database: string;
  schedules: { name: string; expression: string; timezone: string; next: Date[] }[];
}

/** For people: a block of `label: value` lines, the sinks, then the latest runs. */
export function renderStatusTable(status: MirrorStatus, context: StatusContext): string {
  const { readiness, now } = status;
  const sync = readiness.checks.lastSuccessfulSync;
  const problems = [
    ...(readiness.checks.database.ok ? [] : [`database: ${readiness.checks.database.error}`]),
    ...(readiness.checks.migrations.ok ? [] : ["migrations pending"]),
    ...(sync.ok
      ? []
      : [
          sync.at === null
            ? "no successful sync yet"
            : `last successful sync ${formatDuration((sync.ageSeconds ?? 0) * 1000)} ago, older than SYNC_STALE_AFTER (${formatDuration(sync.staleAfterSeconds * 1000)})`,
        ]),
  ];
  const success = status.lastSuccess;
  const files = status.filesByStatus.map((g) => `${g.count} ${g.status}`).join(", ");
  const lines: [string, string][] = [
    ["Health", readiness.ready ? "ready" : `NOT READY: ${problems.join("; ")}`],
    ["Database", context.database],
    [
      "Schema",
      `${status.schema.latestMigration ?? "none"} (${status.schema.applied} migrations applied)`,
    ],
    [
      "Last success",
      success === null
        ? "none yet"
        : `run ${success.id} at ${formatUtcTime(success.startedAt)} UTC (${formatDuration(now.getTime() - success.startedAt.getTime())} ago)`,
    ],
    ...context.schedules.map((s): [string, string] => [
      `Next ${s.name}`,
      `${s.next.map((d) => `${formatUtcTime(d)} UTC`).join(", ")} ("${s.expression}", ${s.timezone})`,
    ]),
    ["Files", files === "" ? "none yet" : files],
    ["Expiring", `${status.expiring.count} within ${formatDuration(status.expiring.withinMs)}`],
    [
      "At risk",
      status.atRisk === null
        ? "archiving off (ARCHIVE_PURPOSES)"
        : `${status.atRisk.count} expiring within ${formatDuration(status.atRisk.withinMs)} and not archived`,
    ],
    ["Dead deliveries", String(status.sinks.reduce((n, s) => n + s.dead, 0))],
  ];
  const width = Math.max(...lines.map(([label]) => label.length)) + 2;
  const block = lines.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`).join("\n");
  return `${block}\n\nOutbox:\n${renderSinksTable(status.sinks, now)}\n${renderRunsTable({ last: status.lastRuns.length, runs: status.lastRuns })}`;
}

/** For scripts: one line of JSON, snake_case, ISO times, like `report --json`. */
export function renderStatusJson(status: MirrorStatus, context: StatusContext): string {
  const sync = status.readiness.checks.lastSuccessfulSync;
  return `${JSON.stringify({
    healthy: status.readiness.ready,
    now: status.now.toISOString(),
    database: context.database,
    schema: {
      latest_migration: status.schema.latestMigration,
      applied: status.schema.applied,
    },
    checks: {
      database: status.readiness.checks.database,
      migrations: status.readiness.checks.migrations,
      last_successful_sync: {
        ok: sync.ok,
        at: sync.at,
        age_seconds: sync.ageSeconds,
        stale_after_seconds: sync.staleAfterSeconds,
      },
    },
    last_success:
      status.lastSuccess === null
        ? null
        : {
            id: status.lastSuccess.id,
            started_at: status.lastSuccess.startedAt.toISOString(),
          },
    next_fires: Object.fromEntries(
      context.schedules.map((s) => [
        s.name,
        { schedule: s.expression, timezone: s.timezone, at: s.next.map((d) => d.toISOString()) },
      ]),
    ),
    files_by_status: Object.fromEntries(status.filesByStatus.map((g) => [g.status, g.count])),
    expiring: { within_ms: status.expiring.withinMs, count: status.expiring.count },
    at_risk:
      status.atRisk === null
        ? null
        : { within_ms: status.atRisk.withinMs, count: status.atRisk.count },
    sinks: status.sinks.map(sinkJson),
    dead_deliveries: status.sinks.reduce((n, s) => n + s.dead, 0),
    last_runs: status.lastRuns.map(runJson),
  })}\n`;
}
