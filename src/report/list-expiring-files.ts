import type { Db } from "../db/prisma.js";
import { type ExpiringFile, listFilesExpiringWithin } from "../db/tables/files.js";

export type { ExpiringFile } from "../db/tables/files.js";

export interface ExpiringFilesReport {
  /** The clock the report was judged by. */
  now: Date;
  withinMs: number;
  /** Soonest expiry first. */
  files: ExpiringFile[];
}

/**
 * Active files whose expiry lies within `withinMs` of now (the database's clock unless `now` is
 * given), soonest first.
 */
export async function listExpiringFiles(
  db: Db,
  options: { withinMs: number; now?: Date },
): Promise<ExpiringFilesReport> {
  const { now, files } = await listFilesExpiringWithin(db, {
    now: options.now ?? null,
    withinMs: options.withinMs,
  });
  return { now, withinMs: options.withinMs, files };
}
