-- Every sync inserts its whole listing into the staging tables and the next one empties them,
-- so autovacuum's vacuum for inserted rows (it sets visibility bits, for index-only scans these
-- tables never get) is wasted: at a million files, 0.3 s of the server's CPU after every run,
-- often beside the next run, whose TRUNCATE can then wait for it and fall back to deleting. Vacuums
-- for dead rows (the DELETE a role without TRUNCATE rights empties them with) and autovacuum's
-- ANALYZE stay as they were.
ALTER TABLE "sync_listing" SET (autovacuum_vacuum_insert_threshold = -1);
ALTER TABLE "sync_seen_invalid" SET (autovacuum_vacuum_insert_threshold = -1);
