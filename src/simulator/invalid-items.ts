const valid = {
  object: "file",
  bytes: 100,
  filename: "broken.jsonl",
  created_at: 1_700_000_000,
  purpose: "batch",
  metadata: {},
};

/** Items the "invalid-items" fault mixes into a list: some with a readable id, some without. */
export const invalidItems: readonly unknown[] = [
  { ...valid, id: "file-invalid-bytes", bytes: -5 },
  { ...valid, id: "file-invalid-created", created_at: "yesterday" },
  { ...valid, id: "file-invalid-metadata", metadata: "none" },
  { ...valid, id: "file-invalid-purpose", purpose: "" },
  { ...valid },
  { ...valid, id: 12_345 },
  { ...valid, id: "" },
  "not-an-object",
  null,
];

/** The ids among `invalidItems` a client can still read (non-empty strings). */
export const invalidItemReadableIds: readonly string[] = [
  "file-invalid-bytes",
  "file-invalid-created",
  "file-invalid-metadata",
  "file-invalid-purpose",
];

/** `files` with the invalid items spread evenly through them. */
export function withInvalidItems(files: readonly unknown[]): unknown[] {
  const step = Math.max(1, Math.floor(files.length / invalidItems.length));
  const mixed: unknown[] = [];
  let next = 0;
  files.forEach((file, index) => {
    if (index % step === 0 && next < invalidItems.length) mixed.push(invalidItems[next++]);
    mixed.push(file);
  });
  while (next < invalidItems.length) mixed.push(invalidItems[next++]);
  return mixed;
}
