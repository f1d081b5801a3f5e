import { fetchPageWithRetry } from "./fetch-page-with-retry.js";
import { FileCollector, type InvalidItem } from "./file-collector.js";
import type { NovitaFile } from "./file-schema.js";
import type { ListContext } from "./list-context.js";
import { NovitaError } from "./novita-error.js";
import type { ListPage } from "./parse-list-page.js";

export type { InvalidItem } from "./file-collector.js";

/** A complete listing of the account's files. Failures throw instead: never a partial list. */
export interface FileListing {
  files: NovitaFile[];
  invalid: InvalidItem[];
  /** ids of invalid items whose id was readable: the sync treats them as seen, never disappeared */
  invalidIds: string[];
  pages: number;
  /** HTTP requests made, retries included. */
  requests: number;
  durationMs: number;
}

/**
 * Lists every file, following OpenAI-style pagination (`has_more` + `last_id` → `?after=`) when
 * the API uses it. A repeated cursor or more than NOVITA_MAX_PAGES pages fails with `pagination`.
 */
export async function listFiles(ctx: ListContext): Promise<FileListing> {
  const started = performance.now();
  const collector = new FileCollector(ctx.logger);
  const seenCursors = new Set<string>();
  let after: string | null = null;
  let pages = 0;
  let requests = 0;
  for (;;) {
    pages += 1;
    const fetched = await fetchPageWithRetry(ctx, {
      url: pageUrl(ctx.baseUrl, after),
      page: pages,
    });
    requests += fetched.attempts;
    collector.addPage(fetched.page.items, pages);
    if (!fetched.page.hasMore) break;
    const cursor = nextCursor(fetched.page);
    if (seenCursors.has(cursor)) {
      throw paginationError(
        `the API returned cursor ${ctx.redact(JSON.stringify(cursor).slice(0, 80))} twice (page ${pages}); the listing would loop`,
      );
    }
    if (pages >= ctx.maxPages) {
      throw paginationError(
        `the API still reported more files after NOVITA_MAX_PAGES (${ctx.maxPages}) pages; raise NOVITA_MAX_PAGES if the account really is that large`,
      );
    }
    seenCursors.add(cursor);
    after = cursor;
  }
  const durationMs = Math.round(performance.now() - started);
  const result = collector.finish();
  ctx.logger.debug(
    { files: result.files.length, invalid: result.invalid.length, pages, requests, durationMs },
    "novita listing complete",
  );
  return { ...result, pages, requests, durationMs };
}

function pageUrl(baseUrl: string, after: string | null): string {
  return after === null
    ? `${baseUrl}/files`
    : `${baseUrl}/files?after=${encodeURIComponent(after)}`;
}

/** `last_id`, or failing that the id of the page's last item (what OpenAI's last_id is). */
function nextCursor(page: ListPage): string {
  if (page.lastId !== null) return page.lastId;
  const last = page.items.at(-1) as { id?: unknown } | undefined;
  if (typeof last?.id === "string" && last.id !== "") return last.id;
  throw paginationError("the API reported has_more without a last_id to continue from");
}

function paginationError(what: string): NovitaError {
  return new NovitaError("pagination", `Novita file listing failed: ${what}`, { retryable: false });
}
