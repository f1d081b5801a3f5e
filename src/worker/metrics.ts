import client from "prom-client";
import { readDatabaseClock } from "../db/clock.js";
import type { Db } from "../db/prisma.js";
import { readArchiveGauges } from "../db/tables/archive-records.js";
import {
  countPendingDeliveriesBySink,
  readPendingDeliveries,
} from "../db/tables/event-deliveries.js";
import { readDeliveryTotals, readEventTotals } from "../db/tables/event-totals.js";
import { countFilesByStatusAndPurpose, countFilesExpiringWithin } from "../db/tables/files.js";
import { findLatestAppliedRun } from "../db/tables/sync-runs.js";
import type { DeliveryReport } from "../events/index.js";
import type { SyncOutcome } from "../sync/sync-once.js";

export interface WorkerMetrics {
  registry: client.Registry;
  recordRun(outcome: SyncOutcome): void;
  recordApiRequest(info: { status: number | "error"; durationMs: number }): void;
  recordDelivery(report: DeliveryReport): void;
}

/**
 * Prometheus metrics. Counters for what this process did (runs, API requests); counters and
 * gauges read from the database at scrape time for what is true across replicas and restarts.
 * Every database read is bounded whatever the history: events and settled deliveries come from
 * totals tables kept by triggers, pending deliveries through their partial index, files from
 * the current state (retention prunes the outbox; a scrape must not grow with it).
 */
export function makeWorkerMetrics(db: Db, expiryWindowsMs: number[]): WorkerMetrics {
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

  /** A gauge read from the database at scrape time; empty while the database is down. */
  const gauge = <Row>(
    name: string,
    help: string,
    labelNames: string[],
    read: () => Promise<Row[]>,
    toSample: (row: Row) => { labels: Record<string, string | number>; value: number },
  ) =>
    new client.Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        // With the database down the gauge is left empty (see novita_file_sync_database_up).
        const rows = await read().catch(() => []);
        for (const row of rows) {
          const { labels, value } = toSample(row);
          this.set(labels, value);
        }
      },
    });
  /** A counter whose value is kept in the database (by triggers); empty while it is down. */
  const databaseCounter = <Row extends { count: number }>(
    name: string,
    help: string,
    labelNames: string[],
    read: () => Promise<Row[]>,
    toLabels: (row: Row) => Record<string, string>,
  ) =>
    new client.Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of await read().catch(() => [])) this.inc(toLabels(row), row.count);
      },
    });
  new client.Gauge({
    name: "novita_file_sync_database_up",
    help: "1 when the database answered this scrape, else 0.",
    registers: [registry],
    async collect() {
      this.set(
        await readDatabaseClock(db).then(
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
    () => countFilesByStatusAndPurpose(db),
    (g) => ({ labels: { status: g.status, purpose: g.purpose }, value: g.count }),
  );
  databaseCounter(
    "novita_file_sync_events_total",
    "Events ever written to the outbox, by type (across replicas; retention does not lower it).",
    ["type"],
    () => readEventTotals(db),
    (t) => ({ type: t.type }),
  );
  databaseCounter(
    "novita_file_sync_deliveries_total",
    "Deliveries that reached an outcome, by sink and outcome (delivered, dead), across replicas.",
    ["sink", "status"],
    () => readDeliveryTotals(db),
    (t) => ({ sink: t.sink, status: t.status }),
  );
  gauge(
    "novita_file_sync_deliveries",
    "Deliveries waiting to be made, by sink (status is always pending).",
    ["sink", "status"],
    () => countPendingDeliveriesBySink(db),
    (g) => ({ labels: { sink: g.sink, status: "pending" }, value: g.count }),
  );
  gauge(
    "novita_file_sync_outbox_backlog",
    "Deliveries not yet delivered (pending).",
    [],
    async () => [await readPendingDeliveries(db)],
    (p) => ({ labels: {}, value: p.pending }),
  );
  gauge(
    "novita_file_sync_outbox_oldest_pending_age_seconds",
    "Age of the oldest pending delivery's event.",
    [],
    async () => [await readPendingDeliveries(db)],
    (p) => ({ labels: {}, value: p.oldestEventAgeSeconds }),
  );
  gauge(
    "novita_file_sync_last_success_timestamp_seconds",
    "Start time of the last successful (or guarded) sync run, as a Unix time; 0 if none.",
    [],
    async () => [await findLatestAppliedRun(db)],
    (run) => ({ labels: {}, value: run === null ? 0 : run.startedAt.getTime() / 1000 }),
  );
  gauge(
    "novita_file_sync_files_expiring",
    "Active files that expire within each warning window.",
    ["window_seconds"],
    () => countFilesExpiringWithin(db, expiryWindowsMs),
    (w) => ({ labels: { window_seconds: w.windowMs / 1000 }, value: w.count }),
  );

  const tightestWindowMs = Math.min(...expiryWindowsMs, Number.MAX_SAFE_INTEGER);
  // Four gauges, one read per scrape: a read less than a second old is reused.
  let archiveRead: { at: number; value: ReturnType<typeof readArchiveGauges> } | null = null;
  const archiveGauges = () => {
    if (archiveRead === null || Date.now() - archiveRead.at > 1_000) {
      archiveRead = { at: Date.now(), value: readArchiveGauges(db, tightestWindowMs) };
    }
    return archiveRead.value;
  };
  gauge(
    "novita_file_sync_archived_files",
    "Archive records (file versions) by status: archived, pending, failed.",
    ["status"],
    async () => (await archiveGauges()).byStatus,
    (g) => ({ labels: { status: g.status }, value: g.files }),
  );
  gauge(
    "novita_file_sync_archived_bytes",
    "Bytes held in the archive store.",
    [],
    async () => (await archiveGauges()).byStatus.filter((g) => g.status === "archived"),
    (g) => ({ labels: {}, value: g.bytes }),
  );
  gauge(
    "novita_file_sync_archive_failures",
    "File versions whose last archive attempt failed, by reason (retried until they expire).",
    ["reason"],
    async () => (await archiveGauges()).failuresByReason,
    (g) => ({ labels: { reason: g.reason }, value: g.files }),
  );
  gauge(
    "novita_file_sync_files_at_risk",
    "Active files expiring within the tightest warning window that are not archived.",
    [],
    async () => [await archiveGauges()],
    (g) => ({ labels: {}, value: g.atRisk }),
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
