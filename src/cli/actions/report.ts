import { parseDuration } from "../../config/duration.js";
import { getFileHistory } from "../../report/get-file-history.js";
import { listDailyStats } from "../../report/list-daily-stats.js";
import { listDisappearedFiles } from "../../report/list-disappeared-files.js";
import { listExpiringFiles } from "../../report/list-expiring-files.js";
import { listRecentRuns } from "../../report/list-recent-runs.js";
import {
  renderDisappearedJson,
  renderDisappearedTable,
} from "../../report/render-disappeared-report.js";
import { renderExpiringJson, renderExpiringTable } from "../../report/render-expiring-report.js";
import { renderHistoryJson, renderHistoryTable } from "../../report/render-history-report.js";
import { renderRunsJson, renderRunsTable } from "../../report/render-runs-report.js";
import { renderStatsJson, renderStatsTable } from "../../report/render-stats-report.js";
import { resolveSince, type Since } from "../../report/report-since.js";
import type { CommandContext } from "../command-runner.js";
import { exitCodes } from "../exit-codes.js";
import { withMigratedDatabase } from "../migrated-database.js";

interface JsonOption {
  json?: boolean;
}

export async function expiringReport(
  context: CommandContext,
  options: JsonOption & { within?: number },
): Promise<number> {
  const withinMs = options.within ?? context.config.expiry.windowsMs[0] ?? parseDuration("24h");
  const report = await withMigratedDatabase(context, (db) =>
    listExpiringFiles(db.prisma, { withinMs }),
  );
  context.output.write(options.json ? renderExpiringJson(report) : renderExpiringTable(report));
  return exitCodes.ok;
}

export async function disappearedReport(
  context: CommandContext,
  options: JsonOption & { since: Since },
): Promise<number> {
  const since = resolveSince(options.since, new Date());
  const report = await withMigratedDatabase(context, (db) =>
    listDisappearedFiles(db.prisma, { since }),
  );
  context.output.write(
    options.json ? renderDisappearedJson(report) : renderDisappearedTable(report),
  );
  return exitCodes.ok;
}

export async function runsReport(
  context: CommandContext,
  options: JsonOption & { last: number },
): Promise<number> {
  const report = await withMigratedDatabase(context, (db) =>
    listRecentRuns(db.prisma, { last: options.last }),
  );
  context.output.write(options.json ? renderRunsJson(report) : renderRunsTable(report));
  return exitCodes.ok;
}

/** Exits 1 for a file the mirror does not know (the table's message then goes to stderr). */
export async function historyReport(
  context: CommandContext,
  fileId: string,
  options: JsonOption,
): Promise<number> {
  const report = await withMigratedDatabase(context, (db) => getFileHistory(db.prisma, fileId));
  if (options.json) context.output.write(renderHistoryJson(report));
  else if (report.file === null) process.stderr.write(renderHistoryTable(report));
  else context.output.write(renderHistoryTable(report));
  return report.file === null ? exitCodes.failed : exitCodes.ok;
}

export async function statsReport(
  context: CommandContext,
  options: JsonOption & { days: number },
): Promise<number> {
  const report = await withMigratedDatabase(context, (db) =>
    listDailyStats(db.prisma, { days: options.days }),
  );
  context.output.write(options.json ? renderStatsJson(report) : renderStatsTable(report));
  return exitCodes.ok;
}
