import type { Fault } from "./fault-schema.js";
import { withInvalidItems } from "./invalid-items.js";
import type { SimFile } from "./sim-file.js";

/** The success envelope. The docs call `code` a string holding the HTTP status, so: "200". */
export const successEnvelope = { code: "200", message: "success" } as const;

export type ListBody =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; status: number; body: Record<string, unknown> };

/**
 * The JSON body for a list request: the whole list, or one page of `pageSize` starting after
 * the `after` cursor, shaped by the content faults (empty, missing-half, repeated-cursor).
 */
export function buildListBody(
  files: readonly unknown[],
  request: { after: string | null; pageSize: number | null; fault: Fault | null },
): ListBody {
  const { fault } = request;
  let items: readonly unknown[] = files;
  if (fault?.kind === "empty") items = [];
  if (fault?.kind === "missing-half") items = files.filter((_, index) => index % 2 === 0);
  if (fault?.kind === "repeated-cursor") {
    const page = items.slice(0, fault.pageSize ?? request.pageSize ?? 2);
    return { ok: true, body: pageBody(page, true, fault) };
  }
  let start = 0;
  if (request.after !== null) {
    const at = items.findIndex((item) => (item as SimFile | null)?.id === request.after);
    if (at < 0) return unknownCursor(request.after);
    start = at + 1;
  }
  if (request.pageSize === null) {
    const data = start === 0 ? items : items.slice(start);
    return { ok: true, body: { ...successEnvelope, data: mixIn(data, fault) } };
  }
  const page = items.slice(start, start + request.pageSize);
  return { ok: true, body: pageBody(page, start + request.pageSize < items.length, fault) };
}

function pageBody(
  page: readonly unknown[],
  hasMore: boolean,
  fault: Fault | null,
): Record<string, unknown> {
  const ids = page.map((item) => (item as SimFile | null)?.id ?? null);
  return {
    ...successEnvelope,
    object: "list",
    data: mixIn(page, fault),
    first_id: ids[0] ?? null,
    last_id: ids.at(-1) ?? null,
    has_more: hasMore,
  };
}

/** The "invalid-items" fault mixes its items into what is served (the cursor stays valid). */
function mixIn(data: readonly unknown[], fault: Fault | null): readonly unknown[] {
  return fault?.kind === "invalid-items" ? withInvalidItems(data) : data;
}

function unknownCursor(after: string): ListBody {
  return {
    ok: false,
    status: 400,
    body: { code: "400", message: `unknown cursor in after=${after}` },
  };
}
