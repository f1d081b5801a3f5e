import type { SinkBacklog } from "../db/tables/event-deliveries.js";
import type { ListedEvent } from "../db/tables/events.js";

/** One line per event: seq, time, type, file, id, then each sink's delivery state. */
export function formatEventLines(events: readonly ListedEvent[]): string {
  if (events.length === 0) return "no events\n";
  return events
    .map((e) => {
      const deliveries = e.deliveries
        .map((d) => {
          const detail = d.status === "delivered" ? "" : `, ${d.lastError ?? "not attempted yet"}`;
          return `${d.sink} ${d.status} (${d.attempts} attempt${d.attempts === 1 ? "" : "s"}${detail})`;
        })
        .join("; ");
      return [
        `#${e.seq}`,
        e.occurredAt.toISOString(),
        e.type,
        e.fileId ?? "-",
        e.id,
        deliveries === "" ? "no deliveries" : deliveries,
      ].join("  ");
    })
    .join("\n")
    .concat("\n");
}

/** One line per sink: status, pending, dead, oldest pending age. */
export function formatSinkLines(sinks: readonly SinkBacklog[], now: Date): string {
  if (sinks.length === 0) return "no sinks registered\n";
  return sinks
    .map((s) =>
      [
        s.sink,
        s.status,
        `pending ${s.pending}`,
        `dead ${s.dead}`,
        s.oldestPendingAgeSeconds === null
          ? "nothing waiting"
          : `oldest pending ${Math.round(s.oldestPendingAgeSeconds)}s`,
        ...(s.pausedUntil !== null && s.pausedUntil.getTime() > now.getTime()
          ? [`paused until ${s.pausedUntil.toISOString()}`]
          : []),
      ].join("  "),
    )
    .join("\n")
    .concat("\n");
}
