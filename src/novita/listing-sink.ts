import type { NovitaFile } from "./file-schema.js";

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

/** Validated items of the current page, in listing order. */
export interface ListedItems {
  files: NovitaFile[];
  invalid: InvalidItem[];
}

/**
 * Where a listing goes while it streams in. Pages arrive in order. A page whose request failed is
 * attempted again, and then whatever the failed attempt delivered must be dropped: the listing a
 * sink ends up with is exactly the items of one good response per page.
 */
export interface ListingSink {
  /** Page `page` (1-based) starts; `retry` when an earlier attempt at it failed. */
  startPage(page: number, retry: boolean): Promise<void>;
  /** The next items of the current page; awaited before more of the body is read. */
  add(items: ListedItems): Promise<void>;
}
