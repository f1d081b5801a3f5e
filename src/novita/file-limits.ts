// What one file item may hold. Each limit is what PostgreSQL, or the events built from a file, can
// carry; an item over any of them is an invalid item (left out, counted, logged), never altered.
// The README's "Limits on a file item" section lists the same values: keep the two in step.

/** Limits on one file item, in UTF-8 bytes unless said otherwise. */
export const fileLimits = {
  /**
   * 6,000 characters in any script (4 bytes each at most). The id is a btree key (files_pkey,
   * file_versions_pkey, events_file_id_seq_idx, the pending deliveries index), whose entries must
   * fit 2,704 bytes after PostgreSQL compresses them: any id up to about 2,600 bytes fits, a
   * longer one only when it compresses (repetitive text does), which only the database can tell.
   * One that does not is refused when the run applies and recorded as invalid with the database's
   * message (see isolate-refused-files.ts). An event carries the id twice (subject, file.id).
   */
  idBytes: 24_576,
  /** A type name ("file"); events carry it. */
  objectBytes: 256,
  /** A type name ("batch", "batch_output"), indexed (file_versions_change_valid_from_idx). */
  purposeBytes: 256,
  /** PATH_MAX on Linux; an event carries a filename up to three times (file, old, new). */
  filenameBytes: 4_096,
  /**
   * Objects and arrays nested inside metadata. JSON.stringify (here and in every receiver) and
   * PostgreSQL's jsonb parser recurse per level; Novita's metadata is flat.
   */
  metadataDepth: 32,
  /**
   * The metadata as JSON. An event carries it up to three times (file, old, new): with the other
   * limits (2 × id + 3 × filename + 3 × metadata ≈ 86 KB), one event stays under the 100 KB
   * request body limit common webhook frameworks apply by default (Express' body-parser).
   */
  metadataBytes: 8_192,
  /** files.total_requests is a PostgreSQL integer. */
  totalRequestsMax: 2_147_483_647,
} as const;
