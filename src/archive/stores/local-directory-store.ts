import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ArchiveError } from "../archive-error.js";
import type { ArchiveStore, StoredContent } from "../archive-store.js";
import { ContentCheck } from "../content-check.js";

/**
 * Archives into a local directory (ARCHIVE_DIR). Content is written to `<key>.partial-<uuid>`,
 * verified (size, sha256), fsynced, and only then renamed to `<key>`, with the directory fsynced
 * after: a crash or a failed check never leaves a file under its final name. A partial file a
 * killed process left behind is removed once the key is archived.
 */
export function makeLocalDirectoryStore(directory: string): ArchiveStore {
  return {
    name: "local",
    async put(key: string, content: Readable, expectedBytes: number): Promise<StoredContent> {
      const target = join(directory, key);
      const partial = `${target}.partial-${randomUUID()}`;
      const check = new ContentCheck(expectedBytes);
      try {
        await mkdir(dirname(target), { recursive: true });
        await pipeline(content, check, createWriteStream(partial, { flags: "wx" }));
        await syncPath(partial);
        await rename(partial, target);
        await syncPath(dirname(target));
        await removeStalePartials(target);
      } catch (error) {
        await rm(partial, { force: true }).catch(() => undefined);
        throw asArchiveError(error, directory);
      }
      return { key, ...check.result() };
    },
  };
}

/** Partial files a killed process left for this key; harmless, but they take space. */
async function removeStalePartials(target: string): Promise<void> {
  const prefix = `${basename(target)}.partial-`;
  for (const name of await readdir(dirname(target))) {
    if (name.startsWith(prefix)) await rm(join(dirname(target), name), { force: true });
  }
}

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** File system errors as archive failures that say what to do; other errors pass through. */
function asArchiveError(error: unknown, directory: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new ArchiveError(
      "disk_full",
      `the archive directory ${directory} is full (${code}); free space or point ARCHIVE_DIR elsewhere`,
      { cause: error },
    );
  }
  if (typeof code === "string" && /^E[A-Z]+$/.test(code) && (error as Error).message) {
    return new ArchiveError(
      "write_failed",
      `could not write to the archive directory ${directory} (${code}: ${(error as Error).message}); check ARCHIVE_DIR and its permissions`,
      { cause: error },
    );
  }
  return error;
}
