import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { NovitaFile } from "../novita/index.js";

/**
 * Copies the listing into temporary tables of this transaction: `listing` holds the valid files
 * (one COPY, several times faster than an insert of unnested arrays at 100k files), and
 * `seen_invalid` the ids of items that failed validation, which count as seen so they never
 * disappear.
 */
export async function stageListing(
  client: pg.ClientBase,
  files: readonly NovitaFile[],
  invalidIds: readonly string[],
): Promise<void> {
  await client.query(`
    CREATE TEMP TABLE listing (
      id text NOT NULL, object text NOT NULL, filename text NOT NULL, bytes bigint NOT NULL,
      purpose text NOT NULL, created_at timestamptz NOT NULL, expires_at timestamptz,
      total_requests integer, metadata jsonb NOT NULL
    ) ON COMMIT DROP;
    CREATE TEMP TABLE seen_invalid (id text NOT NULL) ON COMMIT DROP`);
  await pipeline(
    Readable.from(copyChunks(files)),
    client.query(copyFrom("COPY listing FROM STDIN")),
  );
  if (invalidIds.length > 0) {
    await client.query("INSERT INTO seen_invalid SELECT unnest($1::text[])", [invalidIds]);
  }
}

/** The files in COPY's text format, a few thousand rows per chunk. */
function* copyChunks(files: readonly NovitaFile[]): Generator<string> {
  const rowsPerChunk = 5_000;
  for (let start = 0; start < files.length; start += rowsPerChunk) {
    let chunk = "";
    for (const file of files.slice(start, start + rowsPerChunk)) {
      chunk += `${field(file.id)}\t${field(file.object)}\t${field(file.filename)}\t${file.bytes}\t${field(file.purpose)}\t${file.createdAt.toISOString()}\t${file.expiresAt?.toISOString() ?? "\\N"}\t${file.totalRequests ?? "\\N"}\t${field(JSON.stringify(file.metadata))}\n`;
    }
    yield chunk;
  }
}

const needsEscape = /[\\\t\n\r]/;

/** A text value in COPY's text format: backslash, tab, newline and carriage return escaped. */
function field(value: string): string {
  if (!needsEscape.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
  );
}
