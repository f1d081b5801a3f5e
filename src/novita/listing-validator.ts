import type { Logger } from "../logging/logger.js";
import { knownPurposes, parseFileItem } from "./file-schema.js";
import type { InvalidItem, ListedItems } from "./listing-sink.js";

/** Invalid items logged one by one; past this, only the summary line. */
const maxInvalidLogLines = 50;
/** Distinct unknown purposes counted for the summary line; more are only counted together. */
const maxUnknownPurposes = 100;

/**
 * Validates a listing's raw items page by page, as they stream in: invalid items are logged (the
 * first 50 one by one) and counted; purposes this client does not know are accepted and
 * summarised. A page attempted again replaces its failed attempt in the counts.
 */
export class ListingValidator {
  readonly #logger: Logger;
  #invalid = 0;
  #pageInvalid = 0;
  #logged = 0;
  readonly #unknownPurposes = new Map<string, number>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** A page attempt starts; a retry forgets what the failed attempt counted. */
  startPage(retry: boolean): void {
    if (retry) this.#invalid -= this.#pageInvalid;
    this.#pageInvalid = 0;
  }

  /** The page's items from `firstIndex` on, validated one by one. */
  validate(items: readonly unknown[], page: number, firstIndex: number): ListedItems {
    const listed: ListedItems = { files: [], invalid: [] };
    for (let offset = 0; offset < items.length; offset += 1) {
      const index = firstIndex + offset;
      const parsed = parseFileItem(items[offset], { page, index });
      if (!parsed.ok) {
        const item = { index, page, id: parsed.id, problem: parsed.problem };
        this.#countInvalid(item);
        listed.invalid.push(item);
        continue;
      }
      const purpose = parsed.file.purpose;
      if (!knownPurposes.has(purpose)) this.#countPurpose(purpose);
      listed.files.push(parsed.file);
    }
    return listed;
  }

  /** Items left out so far (failed attempts excluded). */
  get invalid(): number {
    return this.#invalid;
  }

  /** Logs the summary lines: unknown purposes, invalid items beyond those logged one by one. */
  finish(): void {
    if (this.#unknownPurposes.size > 0) {
      this.#logger.debug(
        { purposes: Object.fromEntries(this.#unknownPurposes) },
        "novita listing has files with purposes this client does not know; accepted",
      );
    }
    if (this.#invalid > this.#logged) {
      this.#logger.warn(
        { count: this.#invalid, logged: this.#logged },
        "novita listing had more invalid items than were logged one by one",
      );
    }
  }

  #countInvalid(item: InvalidItem): void {
    this.#invalid += 1;
    this.#pageInvalid += 1;
    if (this.#logged < maxInvalidLogLines) {
      this.#logged += 1;
      this.#logger.warn(item, "novita file item is invalid; left out of the listing");
    }
  }

  #countPurpose(purpose: string): void {
    const key =
      this.#unknownPurposes.has(purpose) || this.#unknownPurposes.size < maxUnknownPurposes
        ? purpose
        : "(others)";
    this.#unknownPurposes.set(key, (this.#unknownPurposes.get(key) ?? 0) + 1);
  }
}
