// The keys that make expiry events exactly-once (events.dedupe_key is UNIQUE). They name the
// expires_at value in whole unix seconds (Novita reports expiry in seconds), so a moved expiry
// gets fresh keys while the same value never gets the same event twice. The SQL in
// insert-due-expiry-events.ts builds the same strings; these are for readers and tests.

/** `file.expiring:<file_id>:<window_ms>:<expires_at unix seconds>` */
export function makeExpiringDedupeKey(fileId: string, windowMs: number, expiresAt: Date): string {
  return `file.expiring:${fileId}:${windowMs}:${unixSeconds(expiresAt)}`;
}

/** `file.expired:<file_id>:<expires_at unix seconds>` */
export function makeExpiredDedupeKey(fileId: string, expiresAt: Date): string {
  return `file.expired:${fileId}:${unixSeconds(expiresAt)}`;
}

function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
