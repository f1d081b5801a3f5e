import type { Logger } from "../logging/logger.js";
import { knownPurposes, type NovitaFile, parseFileItem } from "./file-schema.js";

/** An item left out of the listing because it failed validation. */
export interface InvalidItem {
  /** Position in its page's `data` array (0-based). */
  index: number;
  /** Page number (1-based). */
  page: number;
  /** The item's id when it was a non-empty string a file could have (see readableId). */
  id: string | null;
  problem: string;
}

/** Invalid items logged one by one; past this, only the summary line. */
const maxInvalidLogLines = 50;

/**
 * Accumulates validated files across pages. Invalid items are left out, counted and logged;
 * a duplicate id keeps the last occurrence (the newest state the API sent) and is logged once
 * in the summary.
 */
export class FileCollector {
  readonly #files = new Map<string, NovitaFile>();
  readonly #invalid: InvalidItem[] = [];
  readonly #invalidIds = new Set<string>();
  readonly #duplicates: string[] = [];
  readonly #unknownPurposes = new Map<string, number>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  addPage(items: readonly unknown[], page: number): void {
    for (let index = 0; index < items.length; index += 1) {
      const parsed = parseFileItem(items[index], { page, index });
      if (!parsed.ok) {
        this.#addInvalid({ index, page, id: parsed.id, problem: parsed.problem });
        continue;
      }
      const file = parsed.file;
      if (this.#files.has(file.id)) this.#duplicates.push(file.id);
      if (!knownPurposes.has(file.purpose)) {
        this.#unknownPurposes.set(file.purpose, (this.#unknownPurposes.get(file.purpose) ?? 0) + 1);
      }
      this.#files.set(file.id, file);
    }
  }

  #addInvalid(item: InvalidItem): void {
    this.#invalid.push(item);
    if (item.id !== null) this.#invalidIds.add(item.id);
    if (this.#invalid.length <= maxInvalidLogLines) {
      this.#logger.warn(item, "novita file item is invalid; left out of the listing");
    }
  }

  /** The collected result; logs summary lines for duplicates, unknown purposes, invalid items. */
  finish(): { files: NovitaFile[]; invalid: InvalidItem[]; invalidIds: string[] } {
    if (this.#unknownPurposes.size > 0) {
      this.#logger.debug(
        { purposes: Object.fromEntries(this.#unknownPurposes) },
        "novita listing has files with purposes this client does not know; accepted",
      );
    }
    if (this.#duplicates.length > 0) {
      this.#logger.warn(
        { count: this.#duplicates.length, ids: this.#duplicates.slice(0, 10) },
        "novita listing repeated file ids; kept the last occurrence of each",
      );
    }
    if (this.#invalid.length > maxInvalidLogLines) {
      this.#logger.warn(
        { count: this.#invalid.length, logged: maxInvalidLogLines },
        "novita listing had more invalid items than were logged one by one",
      );
    }
    return {
      files: [...this.#files.values()],
      invalid: this.#invalid,
      invalidIds: [...this.#invalidIds],
    };
  }
}
