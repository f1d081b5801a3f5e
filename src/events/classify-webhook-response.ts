import { parseRetryAfter } from "../retry/retry-after.js";
import type { DeliveryResult } from "./event-sink.js";

/**
 * What a webhook receiver's answer means for the delivery. Only 2xx delivers. 410 Gone stops the
 * sink. 429 (and 503 with Retry-After) are retried no sooner than Retry-After. A 3xx is a failed
 * attempt: redirects are not followed, so a moved receiver cannot silently redirect events (and
 * their signatures) elsewhere. Every other status is retried on the schedule.
 */
export function classifyWebhookResponse(
  status: number,
  headers: Headers,
  nowMs: number,
): DeliveryResult {
  if (status >= 200 && status < 300) return { outcome: "delivered" };
  if (status === 410) return { outcome: "gone", error: "HTTP 410 Gone" };
  const retryAfterMs = parseRetryAfter(headers.get("retry-after"), nowMs) ?? undefined;
  if (status === 429) {
    return {
      outcome: "failed",
      error: "HTTP 429 Too Many Requests",
      throttled: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (status >= 300 && status < 400) {
    return {
      outcome: "failed",
      error: `HTTP ${status} redirect not followed; configure the final URL`,
    };
  }
  return {
    outcome: "failed",
    error: `HTTP ${status}`,
    ...(status === 503 && retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}
