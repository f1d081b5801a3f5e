/**
 * A compact set of 53-bit fingerprints of file ids, to notice an id listed twice without keeping
 * the ids: 8 bytes a slot, at most half the slots used (16 MiB at a million files, in 64 tables). A repeat it
 * reports is certain for the fingerprint, not for the id, but two different ids share a
 * fingerprint only about n²/2⁵⁴ times in a listing of n files (one listing of a million in about
 * 18,000). The caller checks the reported ids exactly in the database, so a false repeat costs a
 * pass over the staged rows, never a file. (With 32 bits, a million files had some 100 false
 * repeats and so paid that pass, 0.4-0.8 s, on every sync.)
 */
export class IdFingerprints {
  /**
   * 64 tables, picked by the fingerprint's low bits, each doubling on its own: a table that
   * doubles holds its old slots and its new ones at once, and a 64th of the set doing so costs
   * little, where one table would briefly hold 8 MiB and 16 MiB at a million files.
   */
  readonly #shards = Array.from({ length: shardCount }, () => new FingerprintTable());

  /** Adds the id's fingerprint; true when it was already there. */
  add(id: string): boolean {
    const fingerprint = fingerprintOf(id);
    return this.#shards[(fingerprint >>> 0) & (shardCount - 1)]!.add(fingerprint);
  }
}

const shardCount = 64;

/** An open-addressing set of fingerprints (linear probing, at most half full; 0 is empty). */
class FingerprintTable {
  #slots = new Float64Array(1 << 10);
  #mask = (1 << 10) - 1;
  #size = 0;

  add(fingerprint: number): boolean {
    if (this.#size * 2 >= this.#slots.length) this.#grow();
    const found = place(this.#slots, this.#mask, fingerprint);
    if (!found) this.#size += 1;
    return found;
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Float64Array(old.length * 2);
    this.#mask = this.#slots.length - 1;
    for (const fingerprint of old)
      if (fingerprint !== 0) place(this.#slots, this.#mask, fingerprint);
  }
}

/** Puts the fingerprint in its slot; true when it was there already. */
function place(slots: Float64Array, mask: number, fingerprint: number): boolean {
  // Bits 6 to 31 pick the slot (the low 6 picked the table; `>>>` reads the low 32 bits).
  let slot = (fingerprint >>> 6) & mask;
  for (;;) {
    const held = slots[slot]!;
    if (held === 0) {
      slots[slot] = fingerprint;
      return false;
    }
    if (held === fingerprint) return true;
    slot = (slot + 1) & mask;
  }
}

/** cyrb53 (a public-domain string hash): 53 bits, as a whole number; never 0 (an empty slot). */
export function fingerprintOf(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0) || 1;
}
