const units: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses `500ms`, `30s`, `15m`, `6h`, `2d`, `1w` (or a combination such as `1h30m`) into ms. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (const match of trimmed.matchAll(pattern)) {
    total += Number(match[1]) * (units[match[2] as string] ?? Number.NaN);
    consumed += match[0].length;
  }
  if (trimmed.length === 0 || consumed !== trimmed.length || !Number.isFinite(total)) {
    throw new Error(`"${text}" is not a duration; use a number and a unit, e.g. 30s, 15m, 6h, 2d`);
  }
  return total;
}

/** Formats ms as the largest whole units, e.g. `2h 5m`, `45s`, `3d 4h`. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", units.d],
    ["h", units.h],
    ["m", units.m],
    ["s", units.s],
  ] as const) {
    const n = Math.floor(rest / (size as number));
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * (size as number);
    if (parts.length === 2) break;
  }
  return sign + parts.join(" ");
}
