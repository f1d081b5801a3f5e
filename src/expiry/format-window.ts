const units = [
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
] as const;

/**
 * Names a warning window exactly and compactly, the way EXPIRY_WARNING_WINDOWS spells it:
 * `24h`, `1h`, `1h30m`, `90s`. Hours are the largest unit so the default windows read as
 * configured (`24h`, not `1d`); the result parses back with parseDuration.
 */
export function formatWindow(ms: number): string {
  let rest = Math.round(ms);
  if (rest <= 0) return `${rest}ms`;
  let text = "";
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) text += `${n}${unit}`;
    rest -= n * size;
  }
  return text;
}
