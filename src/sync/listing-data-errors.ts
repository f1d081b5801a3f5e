import { sqlStateOf } from "../db/database-error.js";
import { stateColumns } from "../db/tables/file-columns.js";
import { AppError } from "../errors.js";
import type { NovitaFile } from "../novita/index.js";
import { isStorableText, metadataProblem } from "../novita/storable-values.js";

/**
 * A value the database would not take: SQLSTATE class 22 (data exception: bad encoding, bad
 * JSON, out of range, a NOTIFY payload too long) or 54 (program limit exceeded: an index row too
 * large, nesting too deep). Such an error comes from one file's values, not from the database
 * being unwell, so the sync isolates the file instead of failing the run.
 */
export function isDataError(error: unknown): boolean {
  return /^(22|54)/.test(sqlStateOf(error) ?? "");
}

/** What a message about a staged file can say of it. */
type DescribedFile = Pick<
  NovitaFile,
  "id" | "object" | "filename" | "purpose" | "metadata" | "page" | "index"
>;

/** The staged listing's file columns (src/db/stage-listing.ts). */
const stagedColumns = ["id", ...stateColumns] as const;

/**
 * The database's data error, naming the file and field when the error says where: COPY reports
 * `COPY sync_listing, line N[, column C]`, and line N is the Nth file of that COPY.
 */
export function describeDataError(
  error: Error,
  staged: readonly DescribedFile[],
): AppError<"database"> {
  const where = (error as { where?: unknown }).where;
  const at =
    typeof where === "string"
      ? /COPY sync_listing, line (\d+)(?:, column (\w+))?/.exec(where)
      : null;
  const file = at === null ? undefined : staged[Number(at[1]) - 1];
  const column = at?.[2] ?? (error as { column?: string }).column;
  const field =
    stagedColumns.find((c) => c === column) ??
    (file === undefined ? undefined : unstorableField(file));
  const naming =
    file === undefined
      ? ""
      : ` (file ${quoteId(file.id)}${field === undefined ? "" : `, field ${field}`}, page ${file.page} item ${file.index})`;
  return new AppError(
    "database",
    `the database refused a value${naming}: ${error.message}. Nothing of this run was applied; report the item and this message`,
    { cause: error },
  );
}

/**
 * The field that makes a staged line unreadable. An encoding error names only the line: the
 * database refuses it before splitting it into columns.
 */
function unstorableField(file: DescribedFile): string | undefined {
  const text = (["id", "object", "filename", "purpose"] as const).find(
    (field) => !isStorableText(file[field]),
  );
  return text ?? (metadataProblem(file.metadata) === null ? undefined : "metadata");
}

/** An id short enough for a message (ids may be up to 24 KiB). */
export function quoteId(id: string): string {
  return JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id);
}
