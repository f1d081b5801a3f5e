import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { contentFaultSchema } from "./content-faults.js";
import { faultSchema, timesSchema } from "./fault-schema.js";
import { FileStoreError } from "./file-store.js";
import { BodyError, readJsonBody, sendJson } from "./http-helpers.js";
import type { SimFile } from "./sim-file.js";
import { resetSimulatorState, type SimulatorState } from "./simulator-state.js";

export const controlPrefix = "/_control";

// Files are deliberately not validated beyond "an object": tests may serve odd data on purpose.
const fileSchema = z.looseObject({}) as unknown as z.ZodType<Partial<SimFile>>;
const filesBody = z.union([fileSchema, z.array(fileSchema)]);
const generateBody = z.object({
  count: z.number().int().min(0),
  seed: z.number().int().optional(),
});
const faultBody = z.object({ fault: faultSchema, times: timesSchema.optional() });
const contentFaultBody = z.object({
  fault: contentFaultSchema,
  times: z.number().int().min(1).optional(),
});
const paginationBody = z.object({ pageSize: z.number().int().min(1).nullable() });
const expiryBody = z.union([
  z.object({ expires_at: z.number().int().nullable() }),
  z.object({ delta_seconds: z.number().int() }),
]);

/**
 * Control API for tests and demos in another process. It needs no API key: the simulator is a
 * loopback test tool and the control API only arranges fixtures. Routes (JSON in and out):
 *   GET    /_control/state                 {files, requests, faults, pageSize}
 *   POST   /_control/reset                 clears files, faults, pagination, request count
 *   GET    /_control/files                 {data: [file]}
 *   POST   /_control/files                 file or [file] (partial, defaults filled) → {data}
 *   DELETE /_control/files                 removes all → {removed}
 *   GET    /_control/files/:id             file
 *   PATCH  /_control/files/:id             partial file merged in → file
 *   DELETE /_control/files/:id             {removed: true}
 *   POST   /_control/files/:id/expiry      {expires_at: s|null} or {delta_seconds} → file
 *   POST   /_control/generate              {count, seed?} → {generated, total}
 *   GET    /_control/faults                {queue, pageSize}
 *   POST   /_control/faults                {fault, times?: n|"always"} → {queue, pageSize}
 *   DELETE /_control/faults                clears queued faults (pagination kept)
 *   PUT    /_control/pagination            {pageSize: n|null}
 *   POST   /_control/content-faults        {fault, times?: n} → {queued: true}
 */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  state: SimulatorState,
): Promise<void> {
  try {
    const route = `${req.method} ${url.pathname.slice(controlPrefix.length)}`;
    const result = await runControlRoute(route, req, state);
    if (result === undefined) sendJson(res, 404, { error: `no control route ${route}` });
    else sendJson(res, result.status ?? 200, result.body);
  } catch (error) {
    const status =
      error instanceof z.ZodError || error instanceof BodyError
        ? 400
        : error instanceof FileStoreError
          ? error.code === "not_found"
            ? 404
            : 409
          : 500;
    const message = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
    sendJson(res, status, { error: message });
  }
}

type Result = { status?: number; body: unknown } | undefined;

async function runControlRoute(
  route: string,
  req: IncomingMessage,
  state: SimulatorState,
): Promise<Result> {
  const { store, faults } = state;
  const body = () => readJsonBody(req);
  const fileRoute = /^(GET|PATCH|DELETE|POST) \/files\/([^/]+)(\/expiry)?$/.exec(route);
  if (fileRoute !== null) {
    const [, method, rawId, expiry] = fileRoute;
    const id = decodeURIComponent(rawId ?? "");
    if (expiry !== undefined) {
      if (method !== "POST") return undefined;
      const change = expiryBody.parse(await body());
      const file =
        "delta_seconds" in change
          ? store.moveExpiry(id, change.delta_seconds)
          : store.setExpiry(id, change.expires_at);
      return { body: file };
    }
    if (method === "GET") {
      const file = store.get(id);
      if (file === undefined) throw new FileStoreError("not_found", `no file ${id}`);
      return { body: file };
    }
    if (method === "PATCH") return { body: store.update(id, fileSchema.parse(await body())) };
    if (method === "DELETE") {
      if (!store.remove(id)) throw new FileStoreError("not_found", `no file ${id}`);
      return { body: { removed: true } };
    }
    return undefined;
  }
  switch (route) {
    case "GET /state":
      return { body: { files: store.size, requests: state.requests, ...faults.snapshot() } };
    case "POST /reset":
      resetSimulatorState(state);
      return { body: { reset: true } };
    case "GET /files":
      return { body: { data: store.list() } };
    case "POST /files": {
      const given = filesBody.parse(await body());
      const added = (Array.isArray(given) ? given : [given]).map((file) => store.add(file));
      return { status: 201, body: { data: added } };
    }
    case "DELETE /files": {
      const removed = store.size;
      store.clear();
      return { body: { removed } };
    }
    case "POST /generate": {
      const { count, seed } = generateBody.parse(await body());
      const generated = store.generate(count, seed === undefined ? {} : { seed });
      return { status: 201, body: { generated: generated.length, total: store.size } };
    }
    case "GET /faults":
      return { body: faults.snapshot() };
    case "POST /faults": {
      const { fault, times } = faultBody.parse(await body());
      faults.add(fault, times ?? 1);
      return { status: 201, body: faults.snapshot() };
    }
    case "DELETE /faults":
      faults.clear();
      return { body: faults.snapshot() };
    case "POST /content-faults": {
      const { fault, times } = contentFaultBody.parse(await body());
      state.contentFaults.add(fault, times ?? 1);
      return { status: 201, body: { queued: true } };
    }
    case "PUT /pagination":
      faults.pageSize = paginationBody.parse(await body()).pageSize;
      return { body: faults.snapshot() };
    default:
      return undefined;
  }
}
