import { z } from "zod";
import { fileLimits } from "./file-limits.js";
import { metadataProblem, textProblem } from "./storable-values.js";

/** A file as the rest of the system sees it: validated, camel-cased, dates as Date. */
export interface NovitaFile {
  id: string;
  /** Always "file" in practice; kept as sent. */
  object: string;
  bytes: number;
  filename: string;
  createdAt: Date;
  /** Set for output files only. */
  expiresAt: Date | null;
  /** "batch" or "batch_output" today; other values are accepted. */
  purpose: string;
  /** From metadata.total_requests (batch input files). */
  totalRequests: number | null;
  /** The metadata object as received ({} when the API left it out or sent null). */
  metadata: Record<string, unknown>;
  /** Top-level fields this client does not know, kept rather than rejected. */
  extra: Record<string, unknown>;
  /** Where the listing had it: page number (1-based) and position in that page (0-based). */
  page: number;
  index: number;
}

/** Purposes documented by Novita; others are accepted and logged at debug level. */
export const knownPurposes: ReadonlySet<string> = new Set(["batch", "batch_output"]);

/** 9999-12-31T23:59:59Z: later timestamps would not fit a JavaScript Date or PostgreSQL nicely. */
const maxUnixSeconds = 253_402_300_799;
const unixSeconds = z.number().int().min(0).max(maxUnixSeconds);

const knownFields = new Set([
  "id",
  "object",
  "bytes",
  "filename",
  "created_at",
  "expires_at",
  "purpose",
  "metadata",
]);

/** One item of the `data` array, as documented (lenient where the docs and reality may differ). */
export const fileItemSchema = z.looseObject({
  id: z.string().min(1),
  object: z.string().default("file"),
  bytes: z.number().int().min(0),
  filename: z.string(),
  created_at: unixSeconds,
  expires_at: unixSeconds.nullish(),
  purpose: z.string().min(1),
  // Documented as required; tolerated when absent or null, but any other non-object is invalid.
  metadata: z
    .looseObject({
      total_requests: z.number().int().min(0).max(fileLimits.totalRequestsMax).nullish(),
    })
    .nullish(),
});

export type FileItemParse =
  | { ok: true; file: NovitaFile }
  | { ok: false; id: string | null; problem: string };

type FileItem = z.infer<typeof fileItemSchema>;

/**
 * Validates one raw item on its own, so that one bad item never sinks the whole listing. Beyond
 * its shape, every value must be storable exactly as sent, within the limits in file-limits.ts.
 * An item that plainly has the documented shape is read directly (a million items a listing);
 * any other goes through the schema, which decides and names what is wrong.
 */
export function parseFileItem(raw: unknown, at: { page: number; index: number }): FileItemParse {
  const item = documentedShape(raw);
  return item === null ? parseFileItemWithSchema(raw, at) : toFile(raw, item, at);
}

/** parseFileItem through the zod schema alone (the reference the direct reading must match). */
export function parseFileItemWithSchema(
  raw: unknown,
  at: { page: number; index: number },
): FileItemParse {
  const result = fileItemSchema.safeParse(raw);
  if (!result.success) {
    const problem = result.error.issues
      .map((issue) => `${issue.path.join(".") || "item"}: ${issue.message}`)
      .join("; ");
    return { ok: false, id: readableId(raw), problem };
  }
  return toFile(raw, result.data, at);
}

/**
 * The item as the schema would read it, when it plainly passes: every documented field of the
 * right type and range. Null whenever in doubt (the schema then decides): it never refuses.
 */
function documentedShape(raw: unknown): FileItem | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  const { id, bytes, filename, created_at, expires_at, purpose, metadata } = r;
  const object = r.object === undefined ? "file" : r.object;
  if (typeof id !== "string" || id.length === 0 || typeof object !== "string") return null;
  if (typeof filename !== "string" || typeof purpose !== "string" || purpose.length === 0) {
    return null;
  }
  if (!isWhole(bytes, 0, Number.MAX_SAFE_INTEGER) || !isWhole(created_at, 0, maxUnixSeconds)) {
    return null;
  }
  if (expires_at != null && !isWhole(expires_at, 0, maxUnixSeconds)) return null;
  if (metadata != null) {
    if (typeof metadata !== "object" || Array.isArray(metadata)) return null;
    const total = (metadata as { total_requests?: unknown }).total_requests;
    if (total != null && !isWhole(total, 0, fileLimits.totalRequestsMax)) return null;
  }
  return {
    id,
    object,
    bytes: bytes as number,
    filename,
    created_at: created_at as number,
    expires_at: expires_at as number | null | undefined,
    purpose,
    metadata: metadata as FileItem["metadata"],
  };
}

function isWhole(value: unknown, min: number, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}

function toFile(raw: unknown, item: FileItem, at: { page: number; index: number }): FileItemParse {
  // zod's copy of metadata drops a "__proto__" key; the item's own object is exactly what was sent.
  const metadata = (raw as { metadata?: Record<string, unknown> | null }).metadata ?? {};
  const problem = storageProblem(item, metadata);
  if (problem !== null) return { ok: false, id: readableId(raw), problem };
  // Unknown top-level fields as sent ("__proto__" left out, as zod leaves it out).
  const extra: Record<string, unknown> = {};
  const sent = raw as Record<string, unknown>;
  for (const key of Object.keys(sent)) {
    if (!knownFields.has(key) && key !== "__proto__") extra[key] = sent[key];
  }
  return {
    ok: true,
    file: {
      id: item.id,
      object: item.object,
      bytes: item.bytes,
      filename: item.filename,
      createdAt: new Date(item.created_at * 1000),
      expiresAt: item.expires_at == null ? null : new Date(item.expires_at * 1000),
      purpose: item.purpose,
      totalRequests: item.metadata?.total_requests ?? null,
      metadata,
      extra,
      page: at.page,
      index: at.index,
    },
  };
}

/** Every text field that cannot be stored exactly within its limit, and the metadata's problem. */
function storageProblem(item: FileItem, metadata: Record<string, unknown>): string | null {
  // Straight-line calls, no per-item arrays: this runs for every item of every listing.
  const id = textProblem(item.id, fileLimits.idBytes);
  const object = textProblem(item.object, fileLimits.objectBytes);
  const filename = textProblem(item.filename, fileLimits.filenameBytes);
  const purpose = textProblem(item.purpose, fileLimits.purposeBytes);
  const inMetadata = metadataProblem(metadata);
  if (
    id === null &&
    object === null &&
    filename === null &&
    purpose === null &&
    inMetadata === null
  ) {
    return null;
  }
  return [
    id === null ? null : `id: ${id}`,
    object === null ? null : `object: ${object}`,
    filename === null ? null : `filename: ${filename}`,
    purpose === null ? null : `purpose: ${purpose}`,
    inMetadata,
  ]
    .filter((problem) => problem !== null)
    .join("; ");
}

/**
 * The item's id when it is a non-empty string a file could have (storable, within the limit), so
 * an invalid file still counts as seen. Any other id can match no mirrored file.
 */
export function readableId(raw: unknown): string | null {
  if (typeof raw !== "object" || raw === null) return null;
  const id = (raw as { id?: unknown }).id;
  return typeof id === "string" && id.length > 0 && textProblem(id, fileLimits.idBytes) === null
    ? id
    : null;
}
