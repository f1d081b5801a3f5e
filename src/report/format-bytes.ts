const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/**
 * Formats a byte count for people in binary units: `512 B`, `1.5 KiB`, `12 MiB`, `3.2 GiB`.
 * One decimal below 10, whole numbers above. Accepts what pg returns for bigint columns (a
 * number, or a string when the value does not fit one).
 */
export function formatBytes(bytes: number | bigint | string): string {
  let value = Number(bytes);
  if (!Number.isFinite(value) || value < 0) return `${bytes} B`;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${value} B`;
  let text = value < 10 ? value.toFixed(1) : String(Math.round(value));
  // 1023.6 KiB rounds to 1024: say 1.0 MiB instead.
  if (Number(text) >= 1024 && unit < units.length - 1) {
    unit++;
    text = "1.0";
  }
  return `${text} ${units[unit]}`;
}
