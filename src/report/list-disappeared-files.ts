import type { Db } from "../db/prisma.js";
import { type Disappearance, listDisappearances } from "../db/tables/file-versions.js";

/** One disappearance: a version with change `disappeared` that started in the report's range. */
export type DisappearedFile = Disappearance;

export interface DisappearedFilesReport {
  since: Date;
  /** Latest disappearance first. */
  files: DisappearedFile[];
}

/** Every disappearance since `since`, latest first, including files that came back since. */
export async function listDisappearedFiles(
  db: Db,
  options: { since: Date },
): Promise<DisappearedFilesReport> {
  return { since: options.since, files: await listDisappearances(db, options.since) };
}
