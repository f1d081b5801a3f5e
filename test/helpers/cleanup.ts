import type { ChildProcess } from "node:child_process";
import { afterAll } from "vitest";

// Vitest runs no afterAll hook that is registered while a test or a beforeAll runs, so resources
// made inside tests are registered here instead and released by one hook that this module
// registers when a test file imports it (at collection time, on the file's root suite).
const cleanups: (() => unknown)[] = [];
const children = new Set<ChildProcess>();

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  for (const cleanup of cleanups.splice(0).reverse()) {
    await Promise.resolve()
      .then(cleanup)
      .catch(() => {});
  }
});
// A child process must not outlive the test process, however that ends.
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** Runs `cleanup` after the file's tests (latest first); its errors are ignored. */
export function onCleanup(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** Closes `resource` after the file's tests, and returns it. */
export function closeAfterAll<T extends { close(): Promise<unknown> }>(resource: T): T {
  onCleanup(() => resource.close());
  return resource;
}

/** SIGKILLs `child` after the file's tests (or when the test process exits) if it still runs. */
export function killAfterAll(child: ChildProcess): void {
  children.add(child);
  child.once("exit", () => children.delete(child));
}
