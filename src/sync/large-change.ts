import type { RunCounts } from "./run-counts.js";

/** A run that wrote at least this many files... */
const largeChangeFiles = 10_000;
/** ...and at least this share of the files it listed changed the mirror in bulk. */
const largeChangeShare = 0.2;

/**
 * How many files a run wrote (created, updated, disappeared, reappeared) when that is a large share
 * of the mirror (an initial import, a mass change), else 0. Autovacuum's own default for inserted
 * rows is the same share (autovacuum_vacuum_insert_scale_factor 0.2).
 */
export function largeChangeOf(counts: RunCounts): number {
  const written = counts.created + counts.updated + counts.disappeared + counts.reappeared;
  return written >= largeChangeFiles && written >= largeChangeShare * counts.filesSeen
    ? written
    : 0;
}
