/** 1 s, 2 s, 4 s ... capped at 30 s, each between half and all of that: for loops that must not die. */
export function cappedBackoffMs(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 1_000 * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
