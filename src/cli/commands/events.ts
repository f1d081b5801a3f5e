import { type Command, Option } from "commander";
import { eventTypes } from "../../events/event-types.js";
import { parseSince } from "../../report/report-since.js";
import type { CommandRunner, ConfiguredAction } from "../command-runner.js";
import { parsePositiveCount } from "../option-parsers.js";

/** `events list | redeliver | sinks | retire-sink`: look at the outbox and send events again. */
export function registerEventsCommand(program: Command, runner: CommandRunner): void {
  const events = program
    .command("events")
    .description("Look at the event outbox and its deliveries, and send events again");
  // Commander passes the parsed arguments and options; each action declares their types.
  const action = (name: keyof typeof import("../actions/events.js")) =>
    runner.configured(
      async () => (await import("../actions/events.js"))[name] as ConfiguredAction<unknown[]>,
    );

  events
    .command("list")
    .description("The latest events, oldest first, with each sink's delivery state")
    .addOption(new Option("--type <type>", "only this event type").choices(eventTypes))
    .option(
      "--since <time>",
      "only events since a duration ago (2h, 7d) or an ISO 8601 time (default: any time)",
      parseSince,
    )
    .option("--limit <n>", "at most this many (the latest)", parsePositiveCount, 100)
    .option("--json", "print one line of JSON for scripts (snake_case keys, ISO times)")
    .action(action("listEventsAction"));

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
    .option(
      "--since <time>",
      "every event since an ISO time or a duration ago (2h, 7d)",
      parseSince,
    )
    .option("--sink <sink>", "only this sink (as stored in event_deliveries.sink)")
    .action(action("redeliverAction"));

  events
    .command("sinks")
    .description("Registered sinks with pending and dead deliveries and the oldest wait")
    .option("--json", "print one line of JSON for scripts (snake_case keys, ISO times)")
    .action(action("listSinksAction"));

  events
    .command("retire-sink")
    .description(
      "Forget a sink removed from the configuration: its pending deliveries become dead and " +
        "new events are no longer recorded for it.",
    )
    .argument("<sink>", "the sink as listed by `events sinks`")
    .action(action("retireSinkAction"));
}
