/** The columns that make up a file's state, in table order; a change in any but `object` is a change. */
export const trackedFields = [
  "filename",
  "bytes",
  "purpose",
  "created_at",
  "expires_at",
  "total_requests",
  "metadata",
] as const;

export const stateColumns = ["object", ...trackedFields] as const;

/** The file as events carry it, from a row alias of `files`. Only an alias is interpolated. */
export function fileJson(alias: string): string {
  return `jsonb_build_object(
    'id', ${alias}.id, 'object', ${alias}.object, 'filename', ${alias}.filename,
    'bytes', ${alias}.bytes, 'purpose', ${alias}.purpose, 'created_at', ${alias}.created_at,
    'expires_at', ${alias}.expires_at, 'total_requests', ${alias}.total_requests,
    'metadata', ${alias}.metadata, 'status', ${alias}.status, 'version', ${alias}.version)`;
}

/** Columns of a file_versions row copied from a `files` row alias. */
export const versionStateColumns = stateColumns.join(", ");
export const versionStateFrom = (alias: string) =>
  stateColumns.map((c) => `${alias}.${c}`).join(", ");
