import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { NovitaFile } from "../novita/index.js";
import { unixSeconds } from "./ascii-copy-line.js";

// The COPY exception (docs/architecture.md): the listing reaches the staging tables through COPY
// on the sync's own connection, outside any transaction, so each statement commits and the apply
// transaction (Prisma, on another pooled connection) can read what it staged.

const copyStatement =
  "COPY sync_listing (run_id, position, id, object, filename, bytes, purpose, created_at_unix, expires_at_unix, total_requests, metadata, page, item) FROM STDIN";

/**
 * Copies files into sync_listing under the run, at positions `firstPosition`, `firstPosition + 1`,
 * ... (one COPY, ten times faster than Prisma's tagged insert at 100k files: bench/). A value the
 * database refuses fails the whole COPY and stages nothing; its `where` names the line.
 */
export async function copyListing(
  client: pg.ClientBase,
  runId: number,
  files: readonly NovitaFile[],
  firstPosition = 1,
): Promise<void> {
  await pipeline(
    Readable.from(copyChunks(runId, files, firstPosition)),
    client.query(copyFrom(copyStatement)),
  );
}

/** Copies COPY text made of listingCopyLine lines into sync_listing, in one COPY. */
export async function copyListingText(client: pg.ClientBase, text: Buffer): Promise<void> {
  await pipeline(Readable.from([text]), client.query(copyFrom(copyStatement)));
}

/** One file as a line of COPY text for sync_listing, at `position` under the run. */
export function listingCopyLine(runId: number, position: number, file: NovitaFile): string {
  return `${runId}\t${position}\t${copyRow(file)}\n`;
}

/** What a line made by listingCopyLine says of its file, for messages about it. */
export function readListingCopyLine(
  line: string,
): Pick<NovitaFile, "id" | "object" | "filename" | "purpose" | "metadata" | "page" | "index"> {
  const fields = line.replace(/\n$/, "").split("\t").map(unescapeField);
  let metadata: Record<string, unknown> = {};
  try {
    metadata = JSON.parse(fields[10] ?? "{}") as Record<string, unknown>;
  } catch {
    // Only for naming the field at fault: unreadable metadata reads as none.
  }
  return {
    id: fields[2] ?? "",
    object: fields[3] ?? "",
    filename: fields[4] ?? "",
    purpose: fields[6] ?? "",
    metadata,
    page: Number(fields[11]),
    index: Number(fields[12]),
  };
}

function unescapeField(value: string): string {
  return value.replace(/\\[\\tnr]/g, (sequence) =>
    sequence === "\\t" ? "\t" : sequence === "\\n" ? "\n" : sequence === "\\r" ? "\r" : "\\",
  );
}

/**
 * Stages ids of listed items that are not staged files (invalid, refused), each at its position:
 * they count as seen. (The stager numbers invalid items on their own; a file refused at COPY is
 * put at minus its listing position.)
 */
export async function insertSeenInvalid(
  client: pg.ClientBase,
  runId: number,
  ids: readonly string[],
  positions: readonly number[],
): Promise<void> {
  if (ids.length === 0) return;
  await client.query(
    `INSERT INTO sync_seen_invalid (run_id, position, id)
     SELECT $1, position, id FROM unnest($2::text[], $3::int[]) AS t(id, position)`,
    [runId, ids, positions],
  );
}

/**
 * Deletes the run's staged rows from these positions on (what a failed page attempt staged),
 * including the seen ids of files refused from `position` on (staged at minus their position).
 */
export async function deleteStagedFrom(
  client: pg.ClientBase,
  runId: number,
  from: { position: number; invalidPosition: number },
): Promise<void> {
  await client.query("DELETE FROM sync_listing WHERE run_id = $1 AND position >= $2", [
    runId,
    from.position,
  ]);
  await client.query(
    "DELETE FROM sync_seen_invalid WHERE run_id = $1 AND (position >= $2::int OR position <= -($3::int))",
    [runId, from.invalidPosition, from.position],
  );
}

/**
 * Leaves one staged row per id, the last the listing had (the newest state the API sent), among
 * `ids` or, when null, among all the run's rows. Returns how many rows it dropped and a few ids.
 * One pass over the run's rows whatever the plan, then a delete by position (the positions are
 * gathered once, as an init plan): it runs beside the staging tables' ANALYZE, so on statistics
 * that may still say "empty", and a join planned on those (a nested loop re-scanning a million
 * rows per repeated id) took 15 s at a million files.
 */
export async function deleteEarlierDuplicates(
  client: pg.ClientBase,
  runId: number,
  ids: readonly string[] | null,
): Promise<{ dropped: number; sample: string[] }> {
  const { rows } = await client.query<{ dropped: number; sample: string[] | null }>(
    `WITH dropped AS (
       DELETE FROM sync_listing
        WHERE run_id = $1
          AND position = ANY (ARRAY(
                SELECT position
                  FROM (SELECT position,
                               row_number() OVER (PARTITION BY id ORDER BY position DESC) AS from_last
                          FROM sync_listing
                         WHERE run_id = $1 AND ($2::text[] IS NULL OR id = ANY($2::text[]))) staged
                 WHERE from_last > 1))
       RETURNING id
     )
     SELECT count(*)::int AS dropped, (array_agg(DISTINCT id))[1:10] AS sample FROM dropped`,
    [runId, ids],
  );
  return { dropped: rows[0]?.dropped ?? 0, sample: rows[0]?.sample ?? [] };
}

/** The files in COPY's text format, a few thousand rows per chunk. */
function* copyChunks(
  runId: number,
  files: readonly NovitaFile[],
  firstPosition: number,
): Generator<string> {
  const rowsPerChunk = 5_000;
  for (let start = 0; start < files.length; start += rowsPerChunk) {
    let chunk = "";
    let position = firstPosition + start;
    for (const file of files.slice(start, start + rowsPerChunk)) {
      chunk += listingCopyLine(runId, position, file);
      position += 1;
    }
    yield chunk;
  }
}

/** One file's columns of sync_listing after run_id and position, tab-separated. */
function copyRow(file: NovitaFile): string {
  return `${field(file.id)}\t${field(file.object)}\t${field(file.filename)}\t${file.bytes}\t${field(file.purpose)}\t${unixSeconds(file.createdAt)}\t${file.expiresAt === null ? "\\N" : unixSeconds(file.expiresAt)}\t${file.totalRequests ?? "\\N"}\t${field(JSON.stringify(file.metadata))}\t${file.page}\t${file.index}`;
}

const needsEscape = /[\\\t\n\r]/;

/** A text value in COPY's text format: backslash, tab, newline and carriage return escaped. */
function field(value: string): string {
  if (!needsEscape.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
  );
}
