import type { ServerResponse } from "node:http";
import { STATUS_CODES } from "node:http";
import type { ContentFault } from "./content-faults.js";
import { fileContentStream } from "./file-content.js";
import { sendJson } from "./http-helpers.js";
import type { SimFile } from "./sim-file.js";

/**
 * Answers GET /files/:id/content: the file's JSONL (`bytes` long), misbehaving as `fault` says.
 * `remove` deletes the file from the account (for `delete-mid-body`).
 */
export function serveContent(
  res: ServerResponse,
  file: SimFile,
  fault: ContentFault | null,
  remove: () => void,
): void {
  if (fault?.kind === "reset") {
    res.socket?.destroy();
    return;
  }
  if (fault?.kind === "status") {
    const headers: Record<string, string> =
      fault.retryAfter === undefined ? {} : { "Retry-After": `${fault.retryAfter}` };
    const message = STATUS_CODES[fault.status] ?? "error";
    sendJson(res, fault.status, { code: String(fault.status), message }, headers);
    return;
  }
  const listed = file.bytes;
  const size =
    fault?.kind === "short"
      ? Math.max(0, listed - (fault.by ?? Math.ceil(listed / 2)))
      : fault?.kind === "long"
        ? listed + (fault.by ?? 100)
        : listed;
  res.writeHead(200, {
    "Content-Type": "application/octet-stream",
    "Content-Length": String(size),
  });
  const body = fileContentStream(file.id, size);
  res.on("close", () => body.destroy());
  if (fault?.kind === "cut" || fault?.kind === "delete-mid-body" || fault?.kind === "stall") {
    stopHalfWay(res, body, Math.floor(size / 2), () => {
      if (fault.kind === "delete-mid-body") remove();
      if (fault.kind !== "stall") res.destroy();
    });
    return;
  }
  body.pipe(res);
}

/** Writes the first `limit` bytes of `body`, then calls `then` (the response is left open). */
function stopHalfWay(
  res: ServerResponse,
  body: NodeJS.ReadableStream,
  limit: number,
  then: () => void,
): void {
  let written = 0;
  body.on("data", (chunk: Buffer) => {
    if (written >= limit) return;
    const part = chunk.subarray(0, limit - written);
    written += part.byteLength;
    if (written < limit) {
      res.write(part);
      return;
    }
    (body as unknown as { destroy(): void }).destroy();
    res.write(part, then);
  });
  body.on("end", then);
}
