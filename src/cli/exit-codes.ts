/**
 * The CLI's exit codes, documented in the README: 0 ok; 1 the command failed (database or API
 * unreachable, a failed sync, an unhealthy `status`); 2 usage or configuration error; `sync` also
 * 3 guarded and 4 skipped.
 */
export const exitCodes = { ok: 0, failed: 1, usage: 2, guarded: 3, skipped: 4 } as const;
