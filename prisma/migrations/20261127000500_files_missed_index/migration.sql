-- Files currently missing from listings are few; each sync resets the ones that are listed again.
-- A partial index keeps that from scanning every file on every run. (Prisma's schema language
-- cannot express a partial index; the drift test checks full indexes only.)
CREATE INDEX "files_missed_idx" ON "files"("id") WHERE "missed_runs" > 0;
