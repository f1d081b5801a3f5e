import { createHash } from "node:crypto";

/**
 * The stored name of a webhook sink: `webhook:<host>/<first 12 hex of sha256(url)>`. A URL may
 * carry credentials or a token in its user info, path or query; none of that is stored or logged,
 * yet two URLs on one host stay apart and the name stays the same while the URL does.
 */
export function webhookSinkName(url: string): string {
  const host = new URL(url).host;
  const digest = createHash("sha256").update(url).digest("hex").slice(0, 12);
  return `webhook:${host}/${digest}`;
}

/**
 * The stored name of the NATS sink: `nats:<stream>`. The server URL (which may hold credentials)
 * is left out, so moving the stream to another server keeps its delivery history.
 */
export function natsSinkName(stream: string): string {
  return `nats:${stream}`;
}
