import { createHash } from "node:crypto";
/** What the expiry rules look at for one file. */
export interface ExpiryFileFacts {
  /** Null: the file never expires, so nothing is ever due. */
  expiresAt: Date | null;
  /** When the mirror first saw the file (files.first_seen_at). */
  firstSeenAt: Date;
  /** files.status: only `active` files are warned about; both kinds can expire. */
  status: "active" | "disappeared";
}

/** Expiry events already in the outbox for the file's current expires_at value. */
export interface EmittedExpiryEvents {
  /** Windows (ms) a `file.expiring` event was emitted for. */
  warnedWindowsMs: readonly number[];
  /** Whether `file.expired` was emitted. */
  expired: boolean;
}

/** What a scan at `now` should emit for one file. */
export interface DueExpiryEvents {
  /** The window to warn about now, if a `file.expiring` event is due. */
  warningWindowMs: number | undefined;
  /** Whether a `file.expired` event is due. */
  expired: boolean;
}

export interface ExpiryDecisionInput {
  now: Date;
  file: ExpiryFileFacts;
  /** EXPIRY_WARNING_WINDOWS in ms, any order. */
  windowsMs: readonly number[];
  emitted: EmittedExpiryEvents;
  /** Expiries further back than this are no longer announced (see scanExpiries). */
  expiredLookbackMs: number;
}

/**
 * The expiry rules for one file, as a pure function. The database applies the same rules to every
 * file at once (insertDueExpiryEvents in src/db/tables/events.ts); tests hold that statement to
 * this one.
 *
 * - Warning: an active file inside at least one window (expires_at - window <= now < expires_at)
 *   is due a warning for the tightest window that applies, unless that window or a tighter one
 *   was already warned about for this expires_at value. So a file first seen 30 minutes before
 *   expiry gets the 1h warning only, and a wider warning never follows a tighter one.
 * - Expired: once now >= expires_at, one `file.expired`, listed or not, unless the expiry
 *   happened before the file was first seen (a first import of an old account is history, not
 *   news) or lies further back than the lookback.
 */
export function decideDueExpiryEvents(input: ExpiryDecisionInput): DueExpiryEvents {
  const { now, file, windowsMs, emitted } = input;
  if (file.expiresAt === null) return { warningWindowMs: undefined, expired: false };
  const msLeft = file.expiresAt.getTime() - now.getTime();
  return {
    warningWindowMs: file.status === "active" && msLeft > 0 ? dueWarning(msLeft) : undefined,
    expired:
      msLeft <= 0 &&
      !emitted.expired &&
      file.expiresAt.getTime() >= file.firstSeenAt.getTime() &&
      -msLeft <= input.expiredLookbackMs,
  };

  function dueWarning(msLeft: number): number | undefined {
    const applying = windowsMs.filter((w) => msLeft <= w);
    if (applying.length === 0) return undefined;
    const tightest = Math.min(...applying);
    return emitted.warnedWindowsMs.some((w) => w <= tightest) ? undefined : tightest;
  }
}

// The keys that make expiry events exactly-once (events.dedupe_key is UNIQUE), as the SQL builds
// them: the expires_at value in whole unix seconds, so a moved expiry gets fresh keys.

/** `file.expiring:<file_id>:<window_ms>:<expires_at unix seconds>` */
export function makeExpiringDedupeKey(fileId: string, windowMs: number, expiresAt: Date): string {
  return `file.expiring:${dedupeFileId(fileId)}:${windowMs}:${unixSeconds(expiresAt)}`;
}

/** `file.expired:<file_id>:<expires_at unix seconds>` */
export function makeExpiredDedupeKey(fileId: string, expiresAt: Date): string {
  return `file.expired:${dedupeFileId(fileId)}:${unixSeconds(expiresAt)}`;
}

/** The id itself up to 1,024 bytes (UTF-8), else `sha256:<hex digest>`: a key stays bounded. */
function dedupeFileId(fileId: string): string {
  return Buffer.byteLength(fileId, "utf8") <= 1024
    ? fileId
    : `sha256:${createHash("sha256").update(fileId, "utf8").digest("hex")}`;
}

function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
