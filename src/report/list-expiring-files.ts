import type { Db } from "../db/prisma.js";
import { findArchivedFileIds } from "../db/tables/archive-records.js";
import {
  type ExpiringFile as ListedExpiringFile,
  listFilesExpiringWithin,
} from "../db/tables/files.js";

/** An expiring file, and whether its current version is safely archived. */
export interface ExpiringFile extends ListedExpiringFile {
  archived: boolean;
}

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
  const archived = await findArchivedFileIds(
    db,
    files.map((f) => f.id),
  );
  return {
    now,
    withinMs: options.withinMs,
    files: files.map((f) => ({ ...f, archived: archived.has(f.id) })),
  };
}
