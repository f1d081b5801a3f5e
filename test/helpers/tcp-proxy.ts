import { connect, createServer, type Server, type Socket } from "node:net";

export interface TcpProxy {
  port: number;
  /** Closes every connection and refuses new ones, like a stopped server. */
  down(): Promise<void>;
  /** Accepts and forwards again on the same port. */
  up(): Promise<void>;
  /** Keeps connections open but drops every byte in both directions (no reset, no answer). */
  blackhole(on: boolean): void;
  close(): Promise<void>;
}

/** A small TCP proxy on 127.0.0.1 in front of `target`, for cutting the network in tests. */
export async function startTcpProxy(
  target: { host: string; port: number },
  port = 0,
): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let blackholed = false;
  let server: Server | null = null;
  const listen = (onPort: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("error", () => {});
          socket.on("close", () => {
            sockets.delete(socket);
            client.destroy();
            upstream.destroy();
          });
        }
        client.on("data", (chunk) => blackholed || upstream.write(chunk));
        upstream.on("data", (chunk) => blackholed || client.write(chunk));
      });
      s.once("error", reject);
      s.listen(onPort, "127.0.0.1", () => {
        server = s;
        const address = s.address();
        resolve(typeof address === "object" && address !== null ? address.port : onPort);
      });
    });
  const stop = async () => {
    for (const socket of sockets) socket.destroy();
    const s = server;
    server = null;
    if (s !== null) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  const boundPort = await listen(port);
  return {
    port: boundPort,
    down: stop,
    up: async () => {
      if (server === null) await listen(boundPort);
    },
    blackhole: (on) => {
      blackholed = on;
    },
    close: stop,
  };
}
