-- Event delivery (issue 6): sinks are registered, every event gets one event_deliveries row per
-- registered sink in the transaction that writes it, and dispatchers claim those rows with a lease.

-- event_sinks: one row per place events go (a webhook URL, the NATS stream). A sink receives the
-- events written after its registration committed; `status` is `active`, `disabled` (the
-- receiver answered 410 Gone: nothing is sent until an operator redelivers to it) or `retired`
-- (removed by an operator: no deliveries are recorded for it any more). `paused_until` holds
-- back the whole sink after a 429, for every dispatcher replica.
CREATE TABLE "event_sinks" (
    "sink" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "reason" TEXT,
    "registered_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status_changed_at" TIMESTAMPTZ(6),
    "paused_until" TIMESTAMPTZ(6),

    CONSTRAINT "event_sinks_pkey" PRIMARY KEY ("sink"),
    CONSTRAINT "event_sinks_status_check" CHECK ("status" IN ('active', 'disabled', 'retired'))
);

-- event_deliveries: the event's seq and file_id are copied in so the claim can keep per-file
-- order with one index probe; locked_by/locked_until are the dispatcher's lease.
ALTER TABLE "event_deliveries"
    ADD COLUMN "seq" BIGINT,
    ADD COLUMN "file_id" TEXT,
    ADD COLUMN "locked_by" TEXT,
    ADD COLUMN "locked_until" TIMESTAMPTZ(6);

UPDATE "event_deliveries" d
   SET "seq" = e."seq", "file_id" = e."file_id"
  FROM "events" e
 WHERE e."id" = d."event_id";

ALTER TABLE "event_deliveries" ALTER COLUMN "seq" SET NOT NULL;

-- The claim walks a sink's pending deliveries in seq order.
CREATE INDEX "event_deliveries_pending_sink_seq_idx"
    ON "event_deliveries"("sink", "seq") WHERE "status" = 'pending';
-- "Is an earlier event of this file still pending on this sink?"
CREATE INDEX "event_deliveries_pending_sink_file_seq_idx"
    ON "event_deliveries"("sink", "file_id", "seq") WHERE "status" = 'pending';

-- Deliveries are materialized by a statement trigger, in the transaction that writes the events,
-- for every sink registered at that moment. Nothing reads the outbox with a `seq > last` cursor,
-- so a transaction that took seq 41 and commits after the one that took seq 42 loses nothing.
-- Disabled sinks get their rows as `dead` so that a later redelivery can still send them.
CREATE FUNCTION "materialize_event_deliveries"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "event_deliveries" ("event_id", "sink", "seq", "file_id", "status", "last_error")
  SELECT n."id", s."sink", n."seq", n."file_id",
         CASE WHEN s."status" = 'disabled' THEN 'dead' ELSE 'pending' END,
         CASE WHEN s."status" = 'disabled'
              THEN 'sink disabled: ' || coalesce(s."reason", 'no reason recorded') END
    FROM "inserted_events" n
   CROSS JOIN "event_sinks" s
   WHERE s."status" IN ('active', 'disabled')
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "events_materialize_deliveries"
AFTER INSERT ON "events"
REFERENCING NEW TABLE AS "inserted_events"
FOR EACH STATEMENT EXECUTE FUNCTION "materialize_event_deliveries"();
