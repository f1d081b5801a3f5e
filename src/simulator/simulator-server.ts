import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { apiPrefix, handleApi } from "./api-routes.js";
import { ContentFaultPlan } from "./content-faults.js";
import { controlPrefix, handleControl } from "./control-routes.js";
import { FaultPlan } from "./fault-plan.js";
import { FileStore } from "./file-store.js";
import { sendJson } from "./http-helpers.js";
import { resetSimulatorState, type SimulatorState } from "./simulator-state.js";

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The key clients must send as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** Realistic files generated at start. Default 0. */
  files?: number;
  /** Seed for generated files and ids; the same seed (and clock) gives the same files. */
  seed?: number;
  /** ms clock for created_at / expires_at. Default Date.now. */
  now?: () => number;
}

export interface Simulator {
  /** http://127.0.0.1:PORT */
  url: string;
  /** url + "/openai/v1": what a client's baseUrl is. */
  baseUrl: string;
  store: FileStore;
  faults: FaultPlan;
  /** Faults for content downloads (GET /openai/v1/files/:id/content). */
  contentFaults: ContentFaultPlan;
  /** List requests served (GET /openai/v1/files), faulted or not. */
  readonly requests: number;
  /** Clears files, faults, pagination and the request count (like POST /_control/reset). */
  reset(): void;
  /** Stops listening, drops open connections and pending delayed responses. */
  close(): Promise<void>;
}

/** Starts a real HTTP server that behaves like Novita's file API (see api-routes.ts). */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const store = new FileStore({
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  if ((options.files ?? 0) > 0) {
    store.generate(options.files ?? 0, options.seed === undefined ? {} : { seed: options.seed });
  }
  const state: SimulatorState = {
    apiKey: options.apiKey,
    store,
    faults: new FaultPlan(),
    contentFaults: new ContentFaultPlan(),
    requests: 0,
    timers: new Set(),
  };
  const server = createServer((req, res) => route(req, res, state));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrl: `${url}${apiPrefix}`,
    store,
    faults: state.faults,
    contentFaults: state.contentFaults,
    get requests() {
      return state.requests;
    },
    reset() {
      resetSimulatorState(state);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of state.timers) clearTimeout(timer);
        state.timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function route(req: IncomingMessage, res: ServerResponse, state: SimulatorState): void {
  const url = new URL(req.url ?? "/", "http://simulator");
  // Liveness, without a key, as the worker serves it: the image's HEALTHCHECK asks /healthz of
  // every long-running command.
  if (url.pathname === "/healthz") {
    sendJson(res, 200, { status: "ok" });
  } else if (url.pathname.startsWith(`${apiPrefix}/`)) {
    handleApi(req, res, url, state);
  } else if (url.pathname.startsWith(`${controlPrefix}/`)) {
    handleControl(req, res, url, state).catch((error: unknown) => {
      sendJson(res, 500, { error: (error as Error).message });
    });
  } else {
    sendJson(res, 404, { code: "404", message: `no route ${url.pathname}` });
  }
}
