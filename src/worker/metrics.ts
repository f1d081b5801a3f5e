import type pg from "pg";
import client from "prom-client";
import type { DeliveryReport } from "../events/index.js";
import type { SyncOutcome } from "../sync/sync-once.js";

export interface WorkerMetrics {
  registry: client.Registry;
  recordRun(outcome: SyncOutcome): void;
  recordApiRequest(info: { status: number | "error"; durationMs: number }): void;
  recordDelivery(report: DeliveryReport): void;
}

/**
 * Prometheus metrics. Counters for what this process did (runs, API requests); gauges read from
 * the database at scrape time for what is true across replicas and restarts (files, events,
 * deliveries, backlog, last success, expiring files).
 */
export function makeWorkerMetrics(pool: pg.Pool, expiryWindowsMs: number[]): WorkerMetrics {
  const registry = new client.Registry();
  // The standard process_* and nodejs_* names, as Prometheus users and dashboards expect them.
  client.collectDefaultMetrics({ register: registry });
  const runs = new client.Counter({
    name: "novita_file_sync_runs_total",
    help: "Sync runs by outcome, run by this process.",
    labelNames: ["status"],
    registers: [registry],
  });
  const runDuration = new client.Histogram({
    name: "novita_file_sync_run_duration_seconds",
    help: "Duration of sync runs.",
    labelNames: ["status"],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const apiRequests = new client.Counter({
    name: "novita_file_sync_api_requests_total",
    help: "HTTP requests to the Novita API by status (or `error` for network failures).",
    labelNames: ["status"],
    registers: [registry],
  });
  const apiDuration = new client.Histogram({
    name: "novita_file_sync_api_request_duration_seconds",
    help: "Duration of HTTP requests to the Novita API.",
    labelNames: ["status"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const deliveryAttempts = new client.Counter({
    name: "novita_file_sync_delivery_attempts_total",
    help: "Delivery attempts made by this process, by sink and outcome (delivered, failed, dead).",
    labelNames: ["sink", "outcome"],
    registers: [registry],
  });
  for (const status of ["succeeded", "failed", "guarded", "skipped"]) runs.inc({ status }, 0);

  const gauge = (
    name: string,
    help: string,
    labelNames: string[],
    sql: string,
    params: unknown[] = [],
  ) =>
    new client.Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        // With the database down the gauge is left empty (see novita_file_sync_database_up).
        const rows = await pool.query(sql, params).then(
          (r) => r.rows,
          () => [],
        );
        for (const row of rows) {
          const labels = Object.fromEntries(labelNames.map((l) => [l, String(row[l])]));
          this.set(labels, Number(row.value ?? 0));
        }
      },
    });
  new client.Gauge({
    name: "novita_file_sync_database_up",
    help: "1 when the database answered this scrape, else 0.",
    registers: [registry],
    async collect() {
      this.set(
        await pool.query("SELECT 1").then(
          () => 1,
          () => 0,
        ),
      );
    },
  });
  gauge(
    "novita_file_sync_files",
    "Files in the mirror by status and purpose.",
    ["status", "purpose"],
    "SELECT status, purpose, count(*) AS value FROM files GROUP BY status, purpose",
  );
  gauge(
    "novita_file_sync_events",
    "Events in the outbox by type.",
    ["type"],
    "SELECT type, count(*) AS value FROM events GROUP BY type",
  );
  gauge(
    "novita_file_sync_deliveries",
    "Event deliveries by sink and outcome (pending, delivered, dead).",
    ["sink", "status"],
    "SELECT sink, status, count(*) AS value FROM event_deliveries GROUP BY sink, status",
  );
  gauge(
    "novita_file_sync_outbox_backlog",
    "Deliveries not yet delivered (pending).",
    [],
    "SELECT count(*) AS value FROM event_deliveries WHERE status = 'pending'",
  );
  gauge(
    "novita_file_sync_outbox_oldest_pending_age_seconds",
    "Age of the oldest pending delivery's event.",
    [],
    `SELECT coalesce(extract(epoch FROM now() - min(e.occurred_at)), 0) AS value
       FROM event_deliveries d JOIN events e ON e.id = d.event_id WHERE d.status = 'pending'`,
  );
  gauge(
    "novita_file_sync_last_success_timestamp_seconds",
    "Start time of the last successful (or guarded) sync run, as a Unix time; 0 if none.",
    [],
    `SELECT coalesce(extract(epoch FROM max(started_at)), 0) AS value
       FROM sync_runs WHERE status IN ('succeeded', 'guarded')`,
  );
  gauge(
    "novita_file_sync_files_expiring",
    "Active files that expire within each warning window.",
    ["window_seconds"],
    `SELECT w / 1000 AS window_seconds,
            (SELECT count(*) FROM files WHERE status = 'active' AND expires_at > now()
                AND expires_at <= now() + w * interval '1 millisecond') AS value
       FROM unnest($1::bigint[]) AS w`,
    [expiryWindowsMs],
  );

  return {
    registry,
    recordRun(outcome) {
      runs.inc({ status: outcome.status });
      if (outcome.status !== "skipped") {
        runDuration.observe({ status: outcome.status }, outcome.durationMs / 1000);
      }
    },
    recordDelivery(report) {
      deliveryAttempts.inc({ sink: report.sink, outcome: report.outcome });
    },
    recordApiRequest(info) {
      const status = String(info.status);
      apiRequests.inc({ status });
      apiDuration.observe({ status }, info.durationMs / 1000);
    },
  };
}
