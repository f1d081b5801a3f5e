-- The listing's timestamps are staged as the API sent them, unix seconds, and the apply turns them
-- into timestamptz: parsing timestamptz text was ~1.7 s of PostgreSQL's CPU per million staged
-- rows, on the sync's critical path (COPY runs while the listing downloads).
-- The tables hold scratch rows only; emptying them first lets the column be NOT NULL.
DELETE FROM "sync_listing";
DELETE FROM "sync_seen_invalid";
ALTER TABLE "sync_listing" DROP COLUMN "created_at",
DROP COLUMN "expires_at",
ADD COLUMN "created_at_unix" BIGINT NOT NULL,
ADD COLUMN "expires_at_unix" BIGINT;
