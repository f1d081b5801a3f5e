import type { ServerResponse } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Fault } from "./fault-schema.js";
import { sendJson, sendText } from "./http-helpers.js";
import { buildListBody, successEnvelope } from "./list-body.js";

const malformedJson = `{"code":"200","message":"success","data":[{"id":"file-abc","bytes":12,`;
const htmlPage = "<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>";

interface CannedReply {
  status: number;
  text: string;
  contentType: string;
  headers?: Record<string, string>;
}

/** Answers one list request, misbehaving as `fault` says (after any delay, applied by the caller). */
export function serveList(
  res: ServerResponse,
  request: { files: readonly unknown[]; after: string | null; pageSize: number | null },
  fault: Fault | null,
): void {
  if (fault?.kind === "reset") {
    res.socket?.destroy();
    return;
  }
  const canned =
    fault?.kind === "error-code" && fault.afterData === true ? null : cannedReply(fault);
  if (canned !== null) {
    sendText(res, canned.status, canned.text, canned.contentType, canned.headers);
    return;
  }
  const built = buildListBody(request.files, { ...request, fault });
  if (!built.ok) {
    sendJson(res, built.status, built.body);
    return;
  }
  const body = fault?.kind === "error-code" ? codeAfterData(built.body, fault) : built.body;
  const buffer = Buffer.from(JSON.stringify(body), "utf8");
  if (fault?.kind === "truncated" || fault?.kind === "close-mid-body") {
    sendPartThenDestroy(res, buffer, {
      declareLength: fault.kind === "truncated",
      fraction: fault.fraction ?? 0.5,
    });
  } else if (fault?.kind === "chunked") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.write(buffer);
    res.end();
  } else {
    res.writeHead(200, {
      "Content-Type": "application/json",
      "Content-Length": String(buffer.byteLength),
    });
    res.end(buffer);
  }
}

/** The body with its `code` and `message` moved after `data`, set to the fault's. */
function codeAfterData(
  body: Record<string, unknown>,
  fault: { code: string | number; message?: string | undefined },
): Record<string, unknown> {
  const { code: _code, message: _message, ...rest } = body;
  return { ...rest, code: fault.code, message: fault.message ?? "error" };
}

/** Faults whose answer does not depend on the files. */
function cannedReply(fault: Fault | null): CannedReply | null {
  const json = (status: number, body: unknown, headers?: Record<string, string>) => ({
    status,
    text: JSON.stringify(body),
    contentType: "application/json",
    ...(headers === undefined ? {} : { headers }),
  });
  switch (fault?.kind) {
    case "status": {
      const body = fault.body ?? {
        code: String(fault.status),
        message: STATUS_CODES[fault.status] ?? "error",
      };
      const retryAfter = fault.retryAfter;
      return json(
        fault.status,
        body,
        retryAfter === undefined ? {} : { "Retry-After": `${retryAfter}` },
      );
    }
    case "malformed-json":
      return { status: 200, text: malformedJson, contentType: "application/json" };
    case "html":
      return { status: fault.status ?? 200, text: htmlPage, contentType: "text/html" };
    case "error-code":
      return json(200, { code: fault.code, message: fault.message ?? "error", data: [] });
    case "no-data":
      return json(200, { ...successEnvelope });
    case "raw":
      return {
        status: fault.status ?? 200,
        text: fault.body,
        contentType: fault.contentType ?? "application/json",
      };
    default:
      return null;
  }
}

/** Promises the whole body (Content-Length) or streams it chunked, then dies part-way. */
function sendPartThenDestroy(
  res: ServerResponse,
  buffer: Buffer,
  cut: { declareLength: boolean; fraction: number },
): void {
  res.writeHead(200, {
    "Content-Type": "application/json",
    ...(cut.declareLength ? { "Content-Length": String(buffer.byteLength) } : {}),
  });
  res.flushHeaders();
  res.write(buffer.subarray(0, Math.floor(buffer.byteLength * cut.fraction)), () => res.destroy());
}
