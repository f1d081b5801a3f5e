import { Webhook } from "standardwebhooks";
import { parseRetryAfter } from "../retry/retry-after.js";
import { cloudEventContentType } from "./cloud-event.js";
import { scheduledDelayMs, webhookRetryDelaysMs } from "./retry-policy.js";
import {
  type DeliveryResult,
  type EventSink,
  type OutgoingEvent,
  webhookSinkName,
} from "./sinks.js";

export interface WebhookSinkOptions {
  url: string;
  /** `whsec_<base64>`, shared with the receiver. */
  secret: string;
  timeoutMs: number;
  maxAttempts: number;
  /** Requests in flight at once to this URL. Default 8. */
  concurrency?: number;
  /** Wall clock for `webhook-timestamp` (receivers reject timestamps more than 5 min off). */
  now?: () => Date;
}

/**
 * A webhook receiver, signed per Standard Webhooks: `webhook-id` is the event id (the same on
 * every retry), `webhook-timestamp` the send time in seconds, `webhook-signature` `v1,<base64
 * HMAC-SHA256 of "id.timestamp.body">`.
 */
export function makeWebhookSink(options: WebhookSinkOptions): EventSink {
  const signer = new Webhook(options.secret);
  const now = options.now ?? (() => new Date());
  return {
    name: webhookSinkName(options.url),
    concurrency: options.concurrency ?? 8,
    maxAttempts: options.maxAttempts,
    timeoutMs: options.timeoutMs,
    retryDelayMs: (attempt, random) => scheduledDelayMs(webhookRetryDelaysMs, attempt, random),
    deliver: (event, signal) => postEvent(event, signal),
    close: async () => {},
  };

  async function postEvent(event: OutgoingEvent, signal: AbortSignal): Promise<DeliveryResult> {
    const { body, cloudEvent } = event;
    const sentAt = now();
    const timeout = AbortSignal.timeout(options.timeoutMs);
    try {
      const response = await fetch(options.url, {
        method: "POST",
        redirect: "manual",
        signal: AbortSignal.any([signal, timeout]),
        headers: {
          "content-type": cloudEventContentType,
          "user-agent": "novita-file-sync",
          "webhook-id": cloudEvent.id,
          "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
          "webhook-signature": signer.sign(cloudEvent.id, sentAt, body),
        },
        body,
      });
      // The body is not needed; discarding it frees the connection.
      await response.body?.cancel().catch(() => {});
      return classifyWebhookResponse(response.status, response.headers, now().getTime());
    } catch (thrown) {
      if (signal.aborted) return { outcome: "aborted" };
      if (timeout.aborted) {
        return { outcome: "failed", error: `no answer within ${options.timeoutMs} ms` };
      }
      return { outcome: "failed", error: describeFetchFailure(thrown, options.url) };
    }
  }
}

/** `fetch failed (ECONNREFUSED)`, without the URL (it may carry a token). */
function describeFetchFailure(thrown: unknown, url: string): string {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail =
    typeof cause?.code === "string"
      ? cause.code
      : typeof cause?.message === "string"
        ? cause.message
        : undefined;
  const text = detail === undefined ? error.message : `${error.message} (${detail})`;
  return text.split(url).join("[url]");
}

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
