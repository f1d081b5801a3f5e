/** `2026-11-27 06:00:00`: a UTC time for a table, without the T and the milliseconds. */
export function formatUtcTime(date: Date): string {
  return date
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "");
}

/** A UTC time, or `-` when there is none. */
export function formatOptionalUtcTime(date: Date | null): string {
  return date === null ? "-" : formatUtcTime(date);
}
