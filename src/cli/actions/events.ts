import { readOutboxBacklog } from "../../db/tables/event-deliveries.js";
import { listEvents } from "../../db/tables/events.js";
import {
  renderEventsJson,
  renderEventsTable,
  renderSinksJson,
  renderSinksTable,
} from "../../events/format-events.js";
import {
  type RedeliverySelection,
  redeliverEvents,
  retireSink,
} from "../../events/operator-actions.js";
import { configuredSinkNames } from "../../events/sinks.js";
import { resolveSince, type Since } from "../../report/report-since.js";
import type { CommandContext } from "../command-runner.js";
import { UsageError } from "../describe-failure.js";
import { exitCodes } from "../exit-codes.js";
import { withMigratedDatabase } from "../migrated-database.js";

export async function listEventsAction(
  context: CommandContext,
  options: { type?: string; since?: Since; limit: number; json?: boolean },
): Promise<number> {
  const query = {
    type: options.type,
    since: options.since === undefined ? undefined : resolveSince(options.since, new Date()),
    limit: options.limit,
  };
  const events = await withMigratedDatabase(context, (db) =>
    listEvents(db.prisma, {
      limit: query.limit,
      ...(query.type === undefined ? {} : { type: query.type }),
      ...(query.since === undefined ? {} : { since: query.since }),
    }),
  );
  context.output.write(
    options.json === true ? renderEventsJson(query, events) : renderEventsTable(query, events),
  );
  return exitCodes.ok;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function redeliverAction(
  context: CommandContext,
  id: string | undefined,
  options: { dead?: boolean; since?: Since; sink?: string },
): Promise<number> {
  const now = new Date();
  const chosen = [id !== undefined, options.dead === true, options.since !== undefined];
  if (chosen.filter(Boolean).length !== 1) {
    throw new UsageError("events redeliver expects exactly one of <id>, --dead or --since <time>");
  }
  if (id !== undefined && !uuidPattern.test(id)) {
    throw new UsageError(`"${id}" is not an event id (a uuid, as \`events list\` shows it)`);
  }
  const selection: RedeliverySelection =
    id !== undefined
      ? { eventId: id }
      : options.since !== undefined
        ? { since: resolveSince(options.since, now) }
        : { dead: true };
  const result = await withMigratedDatabase(context, (db) =>
    redeliverEvents(db.prisma, selection, {
      now,
      sinks: configuredSinkNames(context.config.events),
      ...(options.sink === undefined ? {} : { sink: options.sink }),
    }),
  );
  context.output.write(
    `${result.reset + result.created} deliveries set to pending` +
      (result.reenabled.length > 0 ? `; re-enabled ${result.reenabled.join(", ")}` : "") +
      "\n",
  );
  return exitCodes.ok;
}

export async function listSinksAction(
  context: CommandContext,
  options: { json?: boolean },
): Promise<number> {
  const now = new Date();
  const sinks = await withMigratedDatabase(context, (db) => readOutboxBacklog(db.prisma, now));
  context.output.write(
    options.json === true ? renderSinksJson(sinks) : renderSinksTable(sinks, now),
  );
  return exitCodes.ok;
}

export async function retireSinkAction(context: CommandContext, sink: string): Promise<number> {
  const result = await withMigratedDatabase(context, (db) =>
    retireSink(db.prisma, sink, new Date()),
  );
  if (!result.found) throw new UsageError(`No sink is registered as ${sink}; see \`events sinks\``);
  context.output.write(`retired ${sink}\n`);
  return exitCodes.ok;
}
