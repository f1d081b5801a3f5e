import { resolve } from "node:path";
import type { Config } from "../../config/config.js";
import { nextFires } from "../../status/next-fires.js";
import { readStatus } from "../../status/read-status.js";
import {
  renderStatusJson,
  renderStatusTable,
  type StatusContext,
} from "../../status/render-status.js";
import type { CommandContext } from "../command-runner.js";
import { withoutPassword } from "../describe-failure.js";
import { exitCodes } from "../exit-codes.js";
import { withMigratedDatabase } from "../migrated-database.js";

/** How many of the latest runs, and of the next fires per schedule, `status` shows. */
const latestRuns = 5;
const nextFireCount = 3;

export async function statusAction(
  context: CommandContext,
  options: { json?: boolean },
): Promise<number> {
  const { config } = context;
  const now = new Date();
  const status = await withMigratedDatabase(context, (database) =>
    readStatus(database, {
      now,
      staleAfterMs: config.sync.staleAfterMs,
      expiringWithinMs: config.expiry.windowsMs[0] ?? 86_400_000,
      lastRuns: latestRuns,
      atRiskWithinMs:
        config.archive.purposes.length === 0 ? null : Math.min(...config.expiry.windowsMs),
    }),
  );
  const about = statusContext(config);
  context.output.write(
    options.json === true ? renderStatusJson(status, about) : renderStatusTable(status, about),
  );
  return status.readiness.ready ? exitCodes.ok : exitCodes.failed;
}

function statusContext(config: Config): StatusContext {
  const { timezone } = config.sync;
  return {
    database:
      config.database.url === undefined
        ? `embedded at ${resolve(config.database.dataDir, "postgres")} (port ${config.database.embeddedPort})`
        : withoutPassword(config.database.url),
    schedules: [
      { name: "syncs", expression: config.sync.schedule, timezone },
      { name: "expiry scans", expression: config.expiry.scanSchedule, timezone },
      { name: "prunes", expression: config.retention.schedule, timezone },
      ...(config.archive.purposes.length === 0
        ? []
        : [{ name: "archive passes", expression: config.archive.schedule, timezone }]),
    ].map((s) => ({ ...s, next: nextFires(s.expression, timezone, nextFireCount) })),
  };
}
