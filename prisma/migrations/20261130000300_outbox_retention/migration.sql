-- Retention (issue 17): the outbox and the run log are pruned, so nothing that reads them may
-- depend on their size. Counts of what happened move into small totals tables that triggers keep
-- as rows are written (the /metrics counters read them), and deleting a run finds the events that
-- point at it through an index instead of scanning the outbox.

-- Both totals tables are append-only: each writing statement adds its own rows, and the total is
-- the sum. An upsert of one row per type would make every transaction that writes an event wait
-- for any other uncommitted one that wrote the same type (the sync's apply holds its transaction
-- open). Retention compacts the rows (src/db/tables/event-totals.ts), so a sum reads few rows.

-- event_totals: events ever written, by type. Never decreases (pruning does not touch it).
CREATE TABLE "event_totals" (
    "id" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "emitted" BIGINT NOT NULL,

    CONSTRAINT "event_totals_pkey" PRIMARY KEY ("id")
);

-- event_delivery_totals: deliveries that reached `delivered` or `dead`, by sink. A redelivery
-- that resets a dead delivery to pending and delivers it counts it again as delivered.
CREATE TABLE "event_delivery_totals" (
    "id" BIGSERIAL NOT NULL,
    "sink" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reached" BIGINT NOT NULL,

    CONSTRAINT "event_delivery_totals_pkey" PRIMARY KEY ("id")
);

INSERT INTO "event_totals" ("type", "emitted")
SELECT "type", count(*) FROM "events" GROUP BY "type";

INSERT INTO "event_delivery_totals" ("sink", "status", "reached")
SELECT "sink", "status", count(*) FROM "event_deliveries"
 WHERE "status" IN ('delivered', 'dead') GROUP BY "sink", "status";

-- Statement triggers: one inserted row per type (or sink and status) per statement.
CREATE FUNCTION "count_inserted_events"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "event_totals" ("type", "emitted")
  SELECT "type", count(*) FROM "inserted_events" GROUP BY "type";
  RETURN NULL;
END;
$$;

CREATE TRIGGER "events_count_inserted"
AFTER INSERT ON "events"
REFERENCING NEW TABLE AS "inserted_events"
FOR EACH STATEMENT EXECUTE FUNCTION "count_inserted_events"();

CREATE FUNCTION "count_inserted_deliveries"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "event_delivery_totals" ("sink", "status", "reached")
  SELECT "sink", "status", count(*) FROM "inserted_deliveries"
   WHERE "status" IN ('delivered', 'dead')
   GROUP BY "sink", "status";
  RETURN NULL;
END;
$$;

CREATE TRIGGER "event_deliveries_count_inserted"
AFTER INSERT ON "event_deliveries"
REFERENCING NEW TABLE AS "inserted_deliveries"
FOR EACH STATEMENT EXECUTE FUNCTION "count_inserted_deliveries"();

CREATE FUNCTION "count_settled_deliveries"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "event_delivery_totals" ("sink", "status", "reached")
  SELECT n."sink", n."status", count(*)
    FROM "new_deliveries" n
    JOIN "old_deliveries" o ON o."event_id" = n."event_id" AND o."sink" = n."sink"
   WHERE n."status" IN ('delivered', 'dead') AND o."status" <> n."status"
   GROUP BY n."sink", n."status";
  RETURN NULL;
END;
$$;

CREATE TRIGGER "event_deliveries_count_settled"
AFTER UPDATE ON "event_deliveries"
REFERENCING OLD TABLE AS "old_deliveries" NEW TABLE AS "new_deliveries"
FOR EACH STATEMENT EXECUTE FUNCTION "count_settled_deliveries"();

-- Deleting a sync run sets events.sync_run_id to null (ON DELETE SET NULL): without this index
-- every deleted run would scan the whole outbox.
CREATE INDEX "events_sync_run_id_idx" ON "events"("sync_run_id");
