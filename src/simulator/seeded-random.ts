/** mulberry32: a tiny, fast, deterministic PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const hexPairs = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** A Novita-looking file id ("file-" + 24 hex digits) drawn from `random`. */
export function randomFileId(random: () => number): string {
  let id = "file-";
  for (let i = 0; i < 3; i += 1) {
    // Table lookups: Number#toString(16) is slow enough to dominate generating 100k files.
    const n = Math.floor(random() * 4_294_967_296);
    id += `${hexPairs[n >>> 24]}${hexPairs[(n >>> 16) & 255]}${hexPairs[(n >>> 8) & 255]}${hexPairs[n & 255]}`;
  }
  return id;
}
