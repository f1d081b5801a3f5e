import { existsSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../src/db/embedded-postgres.js";
import { ConfigError } from "../src/errors.js";
import { silentLogger } from "../src/logging/logger.js";
import { onCleanup } from "./helpers/cleanup.js";
import { freePort } from "./helpers/free-port.js";
import { temporaryDirectory } from "./helpers/temporary-directory.js";

// The embedded PostgreSQL reuses a server already running on its data directory (another
// command, a killed process's), and refuses any other server on its port: the mirror must never
// land in a database the user did not choose.

describe("the embedded PostgreSQL on a port in use", () => {
  it("reuses the server running on its own data directory and refuses one on another", async () => {
    const port = await freePort();
    const ownDir = temporaryDirectory("nfs-embedded-own-");
    const first = await startEmbeddedPostgres({ dataDir: ownDir, port, logger: silentLogger });
    onCleanup(() => first.stop());

    // The same data directory: the running server is reused, and left running by its stop.
    const again = await startEmbeddedPostgres({ dataDir: ownDir, port, logger: silentLogger });
    expect(again.url).toBe(first.url);
    await again.stop();
    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    expect((await client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await client.end();

    // Another data directory, same port: refused, naming both directories and what to set.
    const otherDir = temporaryDirectory("nfs-embedded-other-");
    const refused = startEmbeddedPostgres({ dataDir: otherDir, port, logger: silentLogger });
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(
      new RegExp(`port ${port} \\(its data is in .*nfs-embedded-own-.*, not .*nfs-embedded-other-`),
    );
    await expect(refused).rejects.toThrow(/EMBEDDED_POSTGRES_PORT/);
    expect(existsSync(join(otherDir, "postgres", "PG_VERSION"))).toBe(false);
  }, 60_000);
});
