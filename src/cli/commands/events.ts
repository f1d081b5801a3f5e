import type { Command } from "commander";
import { type Database, openDatabase } from "../../db/open-database.js";
import { readOutboxBacklog } from "../../db/tables/event-deliveries.js";
import { listEvents } from "../../db/tables/events.js";
import { formatEventLines, formatSinkLines } from "../../events/format-events.js";
import {
  type RedeliverySelection,
  redeliverEvents,
  retireSink,
} from "../../events/operator-actions.js";
import { configuredSinkNames } from "../../events/sinks.js";
import { parseSinceAt } from "../../time/since.js";
import { type CommandContext, exitCodes, runCommand } from "../run-command.js";

/** `events list | redeliver | sinks | retire-sink`: look at the outbox and send events again. */
export function registerEventsCommand(program: Command): void {
  const events = program
    .command("events")
    .description("Inspect the event outbox and its deliveries; redeliver events.");

  events
    .command("list")
    .description("List recent events (oldest first) with their delivery state per sink.")
    .option("--type <type>", "only this event type, e.g. file.expiring")
    .option("--since <time>", "only events since an ISO time or a duration ago (2h, 7d)")
    .option("--limit <n>", "at most this many of the most recent events", "100")
    .option("--json", "print JSON")
    .action(
      runCommand(async (context, options: ListOptions) => {
        const now = new Date();
        const since = readSince(options.since, now);
        if (since instanceof Error) return usage(since.message);
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1) return usage("--limit expects a whole number");
        const rows = await withDatabase(context, (db) =>
          listEvents(db.prisma, {
            limit,
            ...(options.type === undefined ? {} : { type: options.type }),
            ...(since === undefined ? {} : { since }),
          }),
        );
        process.stdout.write(
          options.json === true ? `${JSON.stringify(rows, null, 2)}\n` : formatEventLines(rows),
        );
        return exitCodes.ok;
      }),
    );

  events
    .command("redeliver")
    .description(
      "Set deliveries back to pending with attempts 0 so the dispatcher sends them again: one " +
        "event by id, every dead delivery, or every event since a time. Re-enables a sink " +
        "disabled by 410 Gone; with <id> or --since also backfills configured sinks registered " +
        "after the event was written.",
    )
    .argument("[id]", "event id (uuid)")
    .option("--dead", "every dead delivery")
    .option("--since <time>", "every event since an ISO time or a duration ago (2h, 7d)")
    .option("--sink <sink>", "only this sink (as stored in event_deliveries.sink)")
    .action(
      runCommand(async (context, id: string | undefined, options: RedeliverCliOptions) => {
        const now = new Date();
        const chosen = [id !== undefined, options.dead === true, options.since !== undefined];
        if (chosen.filter(Boolean).length !== 1) {
          return usage("events redeliver expects exactly one of <id>, --dead or --since <time>");
        }
        const since = readSince(options.since, now);
        if (since instanceof Error) return usage(since.message);
        if (id !== undefined && !uuidPattern.test(id)) return usage(`"${id}" is not an event id`);
        const selection: RedeliverySelection =
          id !== undefined ? { eventId: id } : since !== undefined ? { since } : { dead: true };
        const result = await withDatabase(context, (db) =>
          redeliverEvents(db.prisma, selection, {
            now,
            sinks: configuredSinkNames(context.config.events),
            ...(options.sink === undefined ? {} : { sink: options.sink }),
          }),
        );
        context.logger.info(
          result,
          `${result.reset + result.created} deliveries set to pending` +
            (result.reenabled.length > 0 ? `; re-enabled ${result.reenabled.join(", ")}` : ""),
        );
        return exitCodes.ok;
      }),
    );

  events
    .command("sinks")
    .description("List registered sinks with pending and dead deliveries and the oldest wait.")
    .option("--json", "print JSON")
    .action(
      runCommand(async (context, options: { json?: boolean }) => {
        const now = new Date();
        const sinks = await withDatabase(context, (db) => readOutboxBacklog(db.prisma, now));
        process.stdout.write(
          options.json === true
            ? `${JSON.stringify(sinks, null, 2)}\n`
            : formatSinkLines(sinks, now),
        );
        return exitCodes.ok;
      }),
    );

  events
    .command("retire-sink")
    .description(
      "Forget a sink removed from the configuration: its pending deliveries become dead and " +
        "new events are no longer recorded for it.",
    )
    .argument("<sink>", "the sink as listed by `events sinks`")
    .action(
      runCommand(async (context, sink: string) => {
        const result = await withDatabase(context, (db) => retireSink(db.prisma, sink, new Date()));
        if (!result.found) return usage(`no sink is registered as ${sink}; see \`events sinks\``);
        context.logger.info(result, `retired ${sink}`);
        return exitCodes.ok;
      }),
    );
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ListOptions {
  type?: string;
  since?: string;
  limit: string;
  json?: boolean;
}

interface RedeliverCliOptions {
  dead?: boolean;
  since?: string;
  sink?: string;
}

async function withDatabase<T>(
  { config, logger }: CommandContext,
  fn: (db: Database) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(config, logger, { migrate: true });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** `--since` parsed, or the problem (a usage error, exit 2). */
function readSince(text: string | undefined, now: Date): Date | Error | undefined {
  if (text === undefined) return undefined;
  try {
    return parseSinceAt(text, now);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function usage(message: string): number {
  process.stderr.write(`${message}\n`);
  return exitCodes.usage;
}
