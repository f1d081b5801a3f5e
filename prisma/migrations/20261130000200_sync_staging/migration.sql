-- The sync's staging tables. COPY fills them on the sync's own connection (the one holding the
-- sync lock) and commits; the apply then reads them in a Prisma transaction, which runs on another
-- pooled connection and so cannot see a temporary table. Rows are keyed by the run: a run reads
-- only its own, and a run that crashed before emptying them is never read again (the next run
-- deletes them). UNLOGGED: scratch data is not worth WAL; a crash empties these tables, which is
-- harmless. The key is the run and the file's position in the listing, not its id: an id is
-- judged by the files table's own index when the run applies. DELETE empties them rather than
-- TRUNCATE, so the runtime role needs data rights only.
CREATE UNLOGGED TABLE "sync_listing" (
    "run_id" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "purpose" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    "expires_at" TIMESTAMPTZ(6),
    "total_requests" INTEGER,
    "metadata" JSONB NOT NULL,

    CONSTRAINT "sync_listing_pkey" PRIMARY KEY ("run_id", "position")
);

-- Ids of listed items that failed validation (or that the database refused): seen, so they never
-- count as missing. Keyed like sync_listing (an id may be too long for a btree key).
CREATE UNLOGGED TABLE "sync_seen_invalid" (
    "run_id" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "id" TEXT NOT NULL,

    CONSTRAINT "sync_seen_invalid_pkey" PRIMARY KEY ("run_id", "position")
);
