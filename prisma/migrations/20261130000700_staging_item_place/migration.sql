-- The listing now streams into sync_listing while it downloads, so the sync no longer holds the
-- files in memory when the apply runs: a staged row carries where the listing had it (page,
-- 1-based, and item, 0-based within the page), for the log line of a file the database refuses.
-- The tables hold scratch rows only; emptying them first lets the columns be NOT NULL.
DELETE FROM "sync_listing";
DELETE FROM "sync_seen_invalid";
ALTER TABLE "sync_listing" ADD COLUMN "page" INTEGER NOT NULL, ADD COLUMN "item" INTEGER NOT NULL;
