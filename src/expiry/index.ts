export {
  type DueExpiryEvents,
  decideDueExpiryEvents,
  type EmittedExpiryEvents,
  type ExpiryDecisionInput,
  type ExpiryFileFacts,
} from "./decide-due-expiry-events.js";
export { makeExpiredDedupeKey, makeExpiringDedupeKey } from "./expiry-dedupe-keys.js";
export { ExpiryError, type ExpiryErrorCode } from "./expiry-error.js";
export { formatWindow } from "./format-window.js";
export { makeScheduledExpiryScan } from "./make-scheduled-expiry-scan.js";
export {
  defaultExpiredLookbackMs,
  type ExpiryScanResult,
  type ScanExpiriesOptions,
  scanExpiries,
} from "./scan-expiries.js";
export type { SqlClient } from "./sql-client.js";
