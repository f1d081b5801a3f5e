import type { IncomingMessage, ServerResponse } from "node:http";

/** Sends `body` as JSON with a Content-Length (one JSON.stringify, even for 100k files). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(res, status, JSON.stringify(body), "application/json", headers);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.writableEnded) return;
  const buffer = Buffer.from(text, "utf8");
  res.writeHead(status, {
    ...headers,
    "Content-Type": contentType,
    "Content-Length": String(buffer.byteLength),
  });
  res.end(buffer);
}

export class BodyError extends Error {
  readonly status = 400;
}

/** Reads a JSON request body (control API); an empty body is `{}`. */
export async function readJsonBody(req: IncomingMessage, maxBytes = 512 * 1024 * 1024) {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new BodyError(`request body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError("request body is not JSON");
  }
}
