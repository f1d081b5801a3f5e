export { ExpiryError, type ExpiryErrorCode } from "./expiry-error.js";
export { formatWindow } from "./format-window.js";
export { makeScheduledExpiryScan } from "./make-scheduled-expiry-scan.js";
export {
  defaultExpiredLookbackMs,
  type ExpiryScanResult,
  type ScanExpiriesOptions,
  scanExpiries,
} from "./scan-expiries.js";
