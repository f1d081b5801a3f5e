import { Prisma } from "../prisma.js";

// Column lists and the event's file object, shared by the sync's statements on files,
// file_versions and events. They are fragments of constant text (aliases and column names, no
// values), so Prisma.raw is safe here.

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

/** The file as events carry it, from a row alias of `files`. */
export function fileJson(alias: string): Prisma.Sql {
  return Prisma.raw(`jsonb_build_object(
    'id', ${alias}.id, 'object', ${alias}.object, 'filename', ${alias}.filename,
    'bytes', ${alias}.bytes, 'purpose', ${alias}.purpose, 'created_at', ${alias}.created_at,
    'expires_at', ${alias}.expires_at, 'total_requests', ${alias}.total_requests,
    'metadata', ${alias}.metadata, 'status', ${alias}.status, 'version', ${alias}.version)`);
}

/** The state columns, to name them in an INSERT. */
export const stateColumnList = Prisma.raw(stateColumns.join(", "));

/** The state columns of a row alias, in the order of stateColumnList. */
export function stateColumnsOf(alias: string): Prisma.Sql {
  return Prisma.raw(stateColumns.map((c) => `${alias}.${c}`).join(", "));
}

/**
 * A state column of a staged row (an alias of sync_listing) as `files` holds it. The listing's
 * times are staged as the API sent them, unix seconds in `created_at_unix` and `expires_at_unix`
 * (COPY reads a number several times faster than a timestamptz), and turned into timestamptz
 * here. to_timestamp goes through a double, exact while the microseconds fit its 53 bits (until
 * 2255); later times (the API's may reach 9999) add whole days and seconds apart, exactly.
 */
export function stagedColumn(alias: string, column: (typeof stateColumns)[number]): string {
  if (column !== "created_at" && column !== "expires_at") return `${alias}.${column}`;
  const seconds = `${alias}.${column}_unix`;
  return `CASE WHEN ${seconds} < 9007199254 THEN to_timestamp(${seconds})
    ELSE (timestamp '1970-01-01' + make_interval(days => (${seconds} / 86400)::int, secs => ${seconds} % 86400))
      AT TIME ZONE 'UTC' END`;
}

/** The state columns of a staged row, as `files` holds them, in the order of stateColumnList. */
export function stagedStateColumnsOf(alias: string): Prisma.Sql {
  return Prisma.raw(stateColumns.map((c) => stagedColumn(alias, c)).join(", "));
}
