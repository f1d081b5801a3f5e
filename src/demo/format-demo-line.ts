import { formatDuration } from "../config/duration.js";
import type { CloudEvent } from "../events/cloud-event.js";
import { formatBytes } from "../report/format-bytes.js";

const typeWidth = 17;
const subjectWidth = 29; // "file-" and 24 hex digits, as the simulator makes them

/** `14:02:07`, local time: the demo runs in someone's terminal. */
export function formatClock(date: Date): string {
  return date.toTimeString().slice(0, 8);
}

/** One readable line for an event: time, type, subject and what happened. */
export function formatDemoEventLine(event: CloudEvent, typePrefix: string): string {
  const type = eventTypeOf(event, typePrefix);
  return [
    formatClock(new Date(event.time)),
    type.padEnd(typeWidth),
    (event.subject ?? "-").padEnd(subjectWidth),
    summarize(type, (event.data ?? {}) as Data),
  ].join("  ");
}

/** A line for what the demo's script just did to the simulator's files. */
export function formatScriptLine(at: Date, text: string): string {
  return [formatClock(at), "> script".padEnd(typeWidth), "".padEnd(subjectWidth), text].join("  ");
}

/** The type without EVENT_TYPE_PREFIX: `file.created`. */
export function eventTypeOf(event: CloudEvent, typePrefix: string): string {
  return event.type.startsWith(`${typePrefix}.`)
    ? event.type.slice(typePrefix.length + 1)
    : event.type;
}

type Data = Record<string, unknown>;

function summarize(type: string, data: Data): string {
  const file = (data.file ?? {}) as Data;
  const name = String(file.filename ?? data.filename ?? "?");
  switch (type) {
    case "file.created":
      return `${name} (${String(file.purpose)}, ${formatBytes(String(file.bytes ?? 0))})`;
    case "file.updated":
      return `${name}: ${describeChanges(data.changes)}`;
    case "file.disappeared":
      return `${name} ${data.reason === "expired" ? "expired and was removed" : "was deleted"} (reason: ${String(data.reason)})`;
    case "file.reappeared":
      return `${name} is back`;
    case "file.expiring":
      return `${name} expires in ${formatDuration(Number(data.seconds_left) * 1000)} (${String(data.window)} warning${data.archived === true ? ", safely archived" : ""})`;
    case "file.archived":
      return `${name} archived before it expires (${formatBytes(String(data.bytes ?? 0))}, sha256 ${String(data.sha256).slice(0, 12)}…, ${String(data.store)})`;
    case "file.archive_failed":
      return `${name} not archived: ${String(data.reason)} (attempt ${String(data.attempt)})`;
    case "file.expired":
      return `${name} expired${data.still_listed === true ? " (still listed)" : ""}`;
    case "sync.bootstrapped":
      return `first sync: ${String(data.files_seen ?? data.filesSeen)} files mirrored (this one event instead of a file.created each)`;
    case "sync.guarded":
      return (
        `${String(data.would_disappear)} files missing at once (more than ${String(data.threshold)}): ` +
        `held back until missing for ${String(data.guard_confirmations)} syncs`
      );
    default:
      return JSON.stringify(data).slice(0, 100);
  }
}

function describeChanges(changes: unknown): string {
  if (!Array.isArray(changes) || changes.length === 0) return "changed";
  return changes
    .map((change: Data) => `${String(change.field)} ${show(change.old)} -> ${show(change.new)}`)
    .join(", ");
}

function show(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
