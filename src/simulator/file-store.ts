import { generateFiles } from "./generate-files.js";
import { randomFileId, seededRandom } from "./seeded-random.js";
import { outputLifetimeSeconds, type SimFile } from "./sim-file.js";

/** A store operation named a file that is not there (or one that already is). */
export class FileStoreError extends Error {
  constructor(
    readonly code: "not_found" | "duplicate" | "no_expiry",
    message: string,
  ) {
    super(message);
    this.name = "FileStoreError";
  }
}

/**
 * The simulator's files, in insertion order (which is also the list order and the pagination
 * order). Objects are stored as served; list() returns them without copying so that a 100k-file
 * response is a single JSON.stringify.
 */
export class FileStore {
  readonly #files = new Map<string, SimFile>();
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(options: { now?: () => number; seed?: number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  /** Adds a file; missing fields get defaults that depend on the purpose. */
  add(given: Partial<SimFile> = {}): SimFile {
    const partial = definedFields(given);
    let id = partial.id ?? randomFileId(this.#random);
    while (partial.id === undefined && this.#files.has(id)) id = randomFileId(this.#random);
    if (this.#files.has(id)) throw new FileStoreError("duplicate", `file ${id} already exists`);
    const purpose = partial.purpose ?? "batch";
    const createdAt = partial.created_at ?? this.nowSeconds();
    const file: SimFile = {
      id,
      object: "file",
      bytes: 1024,
      filename: `${id}.jsonl`,
      created_at: createdAt,
      ...(purpose === "batch_output" ? { expires_at: createdAt + outputLifetimeSeconds } : {}),
      purpose,
      metadata: purpose === "batch" ? { total_requests: 10 } : {},
      ...partial,
    };
    this.#files.set(id, file);
    return file;
  }

  /** Removes a file; false when there was none. */
  remove(id: string): boolean {
    return this.#files.delete(id);
  }

  /** Merges `patch` into a file (the id cannot change); `expires_at: null` removes the expiry. */
  update(id: string, patch: Partial<SimFile>): SimFile {
    const file = this.#existing(id);
    Object.assign(file, definedFields(patch), { id });
    if (file.expires_at === null) delete file.expires_at;
    return file;
  }

  setExpiry(id: string, expiresAt: number | null): SimFile {
    return this.update(id, { expires_at: expiresAt });
  }

  /** Moves a file's expiry by `deltaSeconds` (negative: sooner). */
  moveExpiry(id: string, deltaSeconds: number): SimFile {
    const file = this.#existing(id);
    if (typeof file.expires_at !== "number") {
      throw new FileStoreError("no_expiry", `file ${id} has no expires_at to move`);
    }
    file.expires_at += deltaSeconds;
    return file;
  }

  get(id: string): SimFile | undefined {
    return this.#files.get(id);
  }

  list(): SimFile[] {
    return [...this.#files.values()];
  }

  get size(): number {
    return this.#files.size;
  }

  clear(): void {
    this.#files.clear();
  }

  /**
   * Adds `count` realistic files. The same seed (and clock) gives the same files; without a seed,
   * each call draws a new one from the store's own seeded generator.
   */
  generate(count: number, options: { seed?: number } = {}): SimFile[] {
    const seed = options.seed ?? Math.floor(this.#random() * 2 ** 32);
    const files = generateFiles(count, {
      seed,
      nowSeconds: this.nowSeconds(),
      taken: new Set(this.#files.keys()),
    });
    for (const file of files) this.#files.set(file.id, file);
    return files;
  }

  nowSeconds(): number {
    return Math.floor(this.#now() / 1000);
  }

  #existing(id: string): SimFile {
    const file = this.#files.get(id);
    if (file === undefined) throw new FileStoreError("not_found", `no file ${id}`);
    return file;
  }
}

function definedFields(partial: Partial<SimFile>): Partial<SimFile> {
  return Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined));
}
