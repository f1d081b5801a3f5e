import { Webhook } from "standardwebhooks";
import { classifyWebhookResponse } from "./classify-webhook-response.js";
import { cloudEventContentType } from "./cloud-event.js";
import type { DeliveryResult, EventSink, OutgoingEvent } from "./event-sink.js";
import { scheduledDelayMs, webhookRetryDelaysMs } from "./retry-schedule.js";
import { webhookSinkName } from "./sink-names.js";

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
