import type { PruneResult } from "./prune-once.js";

/** One line for `prune`: what was deleted, or would be in a dry run. */
export function formatPruneResult(result: PruneResult): string {
  const verb = result.dryRun ? "would delete" : "deleted";
  return (
    `${verb} ${result.events} event(s) older than ${result.eventsBefore.toISOString()} ` +
    `with ${result.deliveries} delivery row(s), and ${result.runs} sync run(s) older than ` +
    `${result.runsBefore.toISOString()} (${result.durationMs} ms)`
  );
}

/** The result as JSON for `prune --json`. */
export function pruneResultJson(result: PruneResult): string {
  return JSON.stringify({
    ...result,
    eventsBefore: result.eventsBefore.toISOString(),
    runsBefore: result.runsBefore.toISOString(),
  });
}
