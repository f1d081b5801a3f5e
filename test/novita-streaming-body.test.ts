import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../src/logging/logger.js";
import {
  type ListedItems,
  type ListingSink,
  makeNovitaClient,
  NovitaError,
} from "../src/novita/index.js";

// A list body served piece by piece by a real HTTP server on loopback, to see how the client
// reads it: as it arrives, with NOVITA_TIMEOUT_MS bounding each wait rather than the whole body.

const apiKey = "sk-test-streaming-body";
const servers: { close: () => void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

function item(n: number) {
  return {
    id: `file-${n}`,
    object: "file",
    bytes: n,
    filename: `f${n}.jsonl`,
    created_at: 1_790_000_000,
    purpose: "batch",
    metadata: {},
  };
}

/** The envelope of `count` items, cut into `pieces` strings. */
function bodyInPieces(count: number, pieces: number): string[] {
  const text = JSON.stringify({
    code: "200",
    message: "success",
    data: Array.from({ length: count }, (_, n) => item(n)),
  });
  const size = Math.ceil(text.length / pieces);
  return Array.from({ length: pieces }, (_, i) => text.slice(i * size, (i + 1) * size));
}

/** A server answering every request with `respond`; counts requests. */
async function serve(respond: (res: ServerResponse) => Promise<void>) {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    respond(res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push({ close: () => server.close() });
  server.on("connection", (socket) => servers.push({ close: () => socket.destroy() }));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/openai/v1`, requests: () => requests };
}

function clientFor(baseUrl: string, options: { timeoutMs: number; retries?: number }) {
  return makeNovitaClient({
    baseUrl,
    apiKey,
    logger: silentLogger,
    timeoutMs: options.timeoutMs,
    retries: options.retries ?? 0,
    deadlineMs: 20_000,
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A sink that keeps the files' ids in memory. */
function collectingSink(): ListingSink & { ids: string[] } {
  const ids: string[] = [];
  return {
    ids,
    startPage: async () => {},
    add: async (items: ListedItems) => {
      ids.push(...items.files.map((file) => file.id));
    },
  };
}

describe("a list body read as it arrives", () => {
  it("hands items on before the body has ended", async () => {
    const pieces = bodyInPieces(2_000, 2);
    let firstItems: () => void = () => {};
    const itemsArrived = new Promise<void>((resolve) => {
      firstItems = resolve;
    });
    const server = await serve(async (res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write(pieces[0]);
      // The rest is only sent once the client has passed items on: a client that waited for the
      // whole body would never get it, and the request would time out.
      await Promise.race([itemsArrived, pause(5_000)]);
      res.end(pieces[1]);
    });
    const sink = collectingSink();
    const add = sink.add;
    sink.add = async (items) => {
      await add(items);
      firstItems();
    };

    const summary = await clientFor(server.baseUrl, { timeoutMs: 2_000 }).streamFiles(sink);

    expect(sink.ids).toHaveLength(2_000);
    expect(new Set(sink.ids).size).toBe(2_000);
    expect(summary).toMatchObject({ pages: 1, requests: 1, invalid: 0 });
  });

  it("lets a body take longer than NOVITA_TIMEOUT_MS while it keeps coming", async () => {
    const pieces = bodyInPieces(500, 6);
    const server = await serve(async (res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      for (const piece of pieces) {
        res.write(piece);
        await pause(150);
      }
      res.end();
    });
    const started = performance.now();

    const listing = await clientFor(server.baseUrl, { timeoutMs: 500 }).listFiles();

    expect(listing.files).toHaveLength(500);
    expect(performance.now() - started).toBeGreaterThan(800);
  });

  it("times out a body that stops coming, and a retry starts the page over", async () => {
    const pieces = bodyInPieces(300, 2);
    const server = await serve(async (res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write(pieces[0]);
      if (server.requests() === 1) return; // stalls: headers and half a body, then nothing
      res.end(pieces[1]);
    });
    const sink = collectingSink();
    const restarts: boolean[] = [];
    sink.startPage = async (_page, retry) => {
      restarts.push(retry);
      if (retry) sink.ids.length = 0;
    };

    const summary = await clientFor(server.baseUrl, { timeoutMs: 400, retries: 1 }).streamFiles(
      sink,
    );

    expect(restarts).toEqual([false, true]);
    expect(sink.ids).toHaveLength(300);
    expect(summary.requests).toBe(2);
  });

  it("fails with timeout when the body stalls on every attempt", async () => {
    const pieces = bodyInPieces(300, 2);
    const server = await serve(async (res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write(pieces[0]);
    });

    const error = await clientFor(server.baseUrl, { timeoutMs: 300 })
      .listFiles()
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );

    expect(error).toBeInstanceOf(NovitaError);
    expect(error).toMatchObject({ code: "timeout" });
  });

  it("passes on the sink's own failure as it is, without retrying the request", async () => {
    const server = await serve(async (res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      for (const piece of bodyInPieces(1_000, 4)) res.write(piece);
      res.end();
    });
    const failure = new Error("the staging table is gone");
    const sink: ListingSink = {
      startPage: async () => {},
      add: async () => {
        throw failure;
      },
    };

    const error = await clientFor(server.baseUrl, { timeoutMs: 2_000, retries: 3 })
      .streamFiles(sink)
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );

    expect(error).toBe(failure);
    expect(server.requests()).toBe(1);
  });
});
