import { AppError } from "../errors.js";

/** Why event delivery failed as a whole (single failed attempts are recorded, not thrown). */
export type EventDeliveryErrorCode = "dispatch_failed" | "nats_stream_mismatch" | "unknown_event";

export class EventDeliveryError extends AppError<EventDeliveryErrorCode> {}
