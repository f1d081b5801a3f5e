import type pg from "pg";
import type { NovitaFile } from "../novita/index.js";

/**
 * Copies the listing into temporary tables of this transaction with one set-based statement each
 * (unnest of column arrays): `listing` holds the valid files, `seen_invalid` the ids of items that
 * failed validation, which count as seen so they never disappear.
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
  const n = files.length;
  const ids = new Array<string>(n);
  const objects = new Array<string>(n);
  const filenames = new Array<string>(n);
  const bytes = new Array<number>(n);
  const purposes = new Array<string>(n);
  const createdAt = new Array<string>(n);
  const expiresAt = new Array<string | null>(n);
  const totalRequests = new Array<number | null>(n);
  const metadata = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const file = files[i]!;
    ids[i] = file.id;
    objects[i] = file.object;
    filenames[i] = file.filename;
    bytes[i] = file.bytes;
    purposes[i] = file.purpose;
    createdAt[i] = file.createdAt.toISOString();
    expiresAt[i] = file.expiresAt?.toISOString() ?? null;
    totalRequests[i] = file.totalRequests;
    metadata[i] = JSON.stringify(file.metadata);
  }
  await client.query(
    `INSERT INTO listing
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[],
                          $6::timestamptz[], $7::timestamptz[], $8::integer[], $9::jsonb[])`,
    [ids, objects, filenames, bytes, purposes, createdAt, expiresAt, totalRequests, metadata],
  );
  if (invalidIds.length > 0) {
    await client.query("INSERT INTO seen_invalid SELECT unnest($1::text[])", [invalidIds]);
  }
}
