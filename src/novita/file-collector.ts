import type { Logger } from "../logging/logger.js";
import type { NovitaFile } from "./file-schema.js";
import type { InvalidItem, ListedItems, ListingSink } from "./listing-sink.js";

/**
 * A listing sink that keeps the whole listing in memory (for callers that want the files as an
 * array; the sync streams into the database instead). A duplicate id keeps the last occurrence
 * (the newest state the API sent) and is logged once in the summary.
 */
export class FileCollector implements ListingSink {
  readonly #files = new Map<string, NovitaFile>();
  readonly #invalid: InvalidItem[] = [];
  readonly #invalidIds = new Set<string>();
  readonly #duplicates: string[] = [];
  /** The current page's items: kept apart until the page is known good (a retry drops them). */
  #page: ListedItems = { files: [], invalid: [] };

  async startPage(_page: number, retry: boolean): Promise<void> {
    if (!retry) this.#keepPage();
    this.#page = { files: [], invalid: [] };
  }

  async add(items: ListedItems): Promise<void> {
    this.#page.files.push(...items.files);
    this.#page.invalid.push(...items.invalid);
  }

  /** The collected listing; logs a summary line for repeated ids. */
  finish(logger: Logger): { files: NovitaFile[]; invalid: InvalidItem[]; invalidIds: string[] } {
    this.#keepPage();
    if (this.#duplicates.length > 0) {
      logger.warn(
        { count: this.#duplicates.length, ids: this.#duplicates.slice(0, 10) },
        "novita listing repeated file ids; kept the last occurrence of each",
      );
    }
    return {
      files: [...this.#files.values()],
      invalid: this.#invalid,
      invalidIds: [...this.#invalidIds],
    };
  }

  #keepPage(): void {
    for (const file of this.#page.files) {
      if (this.#files.has(file.id)) this.#duplicates.push(file.id);
      this.#files.set(file.id, file);
    }
    for (const item of this.#page.invalid) {
      this.#invalid.push(item);
      if (item.id !== null) this.#invalidIds.add(item.id);
    }
    this.#page = { files: [], invalid: [] };
  }
}
