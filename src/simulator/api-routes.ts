import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "./http-helpers.js";
import { serveContent } from "./serve-content.js";
import { serveList } from "./serve-list.js";
import type { SimulatorState } from "./simulator-state.js";

export const apiPrefix = "/openai/v1";

/**
 * Novita's file API: GET /files (faults from the plan apply here), GET and DELETE /files/:id,
 * and GET /files/:id/content (the content faults apply here; 404 once the file has expired).
 * Every route needs `Authorization: Bearer <apiKey>`.
 */
export function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  state: SimulatorState,
): void {
  const path = url.pathname.slice(apiPrefix.length);
  const isList = req.method === "GET" && (path === "/files" || path === "/files/");
  if (isList) state.requests += 1;
  if (req.headers.authorization !== `Bearer ${state.apiKey}`) {
    sendJson(res, 401, { code: "401", message: "Invalid or missing API key" });
  } else if (isList) {
    list(res, url, state);
  } else if (req.method === "GET" && /^\/files\/[^/]+\/content$/.test(path)) {
    content(res, decodeURIComponent(path.split("/")[2] ?? ""), state);
  } else {
    const reply = fileReply(req.method ?? "GET", path, state);
    sendJson(res, reply.status, reply.body);
  }
}

function fileReply(
  method: string,
  path: string,
  state: SimulatorState,
): { status: number; body: unknown } {
  const match = /^\/files\/([^/]+)$/.exec(path);
  if (match === null) return { status: 404, body: { code: "404", message: "not found" } };
  const id = decodeURIComponent(match[1] ?? "");
  const file = state.store.get(id);
  if (file === undefined) return { status: 404, body: { code: "404", message: `no file ${id}` } };
  if (method === "GET") return { status: 200, body: file };
  if (method === "DELETE") {
    state.store.remove(id);
    return { status: 200, body: { id, object: "file", deleted: true } };
  }
  return { status: 405, body: { code: "405", message: "method not allowed" } };
}

function list(res: ServerResponse, url: URL, state: SimulatorState): void {
  const fault = state.faults.take();
  const request = {
    files: state.store.list(),
    after: url.searchParams.get("after"),
    pageSize: state.faults.pageSize,
  };
  const delayMs = fault?.delayMs ?? 0;
  if (delayMs <= 0) {
    serveList(res, request, fault);
    return;
  }
  const timer = setTimeout(() => {
    state.timers.delete(timer);
    if (!res.destroyed) serveList(res, request, fault);
  }, delayMs);
  state.timers.add(timer);
}

function content(res: ServerResponse, id: string, state: SimulatorState): void {
  const file = state.store.get(id);
  const expired =
    typeof file?.expires_at === "number" && file.expires_at <= state.store.nowSeconds();
  if (file === undefined || expired) {
    const why = file === undefined ? "does not exist" : "has expired";
    sendJson(res, 404, { code: "404", message: `file ${id} ${why}` });
    return;
  }
  const fault = state.contentFaults.take(id);
  const serve = () => serveContent(res, file, fault, () => state.store.remove(id));
  const delayMs = fault?.delayMs ?? 0;
  if (delayMs <= 0) {
    serve();
    return;
  }
  const timer = setTimeout(() => {
    state.timers.delete(timer);
    if (!res.destroyed) serve();
  }, delayMs);
  state.timers.add(timer);
}
