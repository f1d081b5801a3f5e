import { AppError } from "../errors.js";

/** Why an expiry scan could not run. */
export type ExpiryErrorCode = "invalid_windows" | "scan_failed";

/** A failed expiry scan; the message says what the operator should do, `cause` holds the rest. */
export class ExpiryError extends AppError<ExpiryErrorCode> {}
