-- The initial data model. Written by hand (the Prisma schema engine cannot run on our build
-- machines); test/schema-drift.test.ts proves it agrees with prisma/schema.prisma.

-- files: the current state of each file.
CREATE TABLE "files" (
    "id" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "purpose" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    "expires_at" TIMESTAMPTZ(6),
    "total_requests" INTEGER,
    "metadata" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "first_seen_at" TIMESTAMPTZ(6) NOT NULL,
    "last_changed_at" TIMESTAMPTZ(6) NOT NULL,
    "disappeared_at" TIMESTAMPTZ(6),
    "version" INTEGER NOT NULL DEFAULT 1,
    "missed_runs" INTEGER NOT NULL DEFAULT 0,
    "last_seen_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "files_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "files_status_check" CHECK ("status" IN ('active', 'disappeared'))
);

CREATE INDEX "files_status_idx" ON "files"("status");
CREATE INDEX "files_expires_at_idx" ON "files"("expires_at");

-- file_versions: type-2 history, one row per version of a file.
CREATE TABLE "file_versions" (
    "file_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "valid_from" TIMESTAMPTZ(6) NOT NULL,
    "valid_to" TIMESTAMPTZ(6),
    "object" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "purpose" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    "expires_at" TIMESTAMPTZ(6),
    "total_requests" INTEGER,
    "metadata" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "change" TEXT NOT NULL,
    "changed_fields" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sync_run_id" INTEGER,

    CONSTRAINT "file_versions_pkey" PRIMARY KEY ("file_id","version"),
    CONSTRAINT "file_versions_change_check" CHECK ("change" IN ('created', 'updated', 'disappeared', 'reappeared')),
    CONSTRAINT "file_versions_status_check" CHECK ("status" IN ('active', 'disappeared'))
);

CREATE INDEX "file_versions_valid_from_idx" ON "file_versions"("valid_from");
CREATE INDEX "file_versions_valid_to_idx" ON "file_versions"("valid_to");
CREATE INDEX "file_versions_sync_run_id_idx" ON "file_versions"("sync_run_id");
-- At most one current version per file.
CREATE UNIQUE INDEX "file_versions_one_current_idx" ON "file_versions"("file_id") WHERE "valid_to" IS NULL;

-- sync_runs: one row per run.
CREATE TABLE "sync_runs" (
    "id" SERIAL NOT NULL,
    "trigger" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(6),
    "status" TEXT NOT NULL DEFAULT 'running',
    "files_seen" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "disappeared" INTEGER NOT NULL DEFAULT 0,
    "reappeared" INTEGER NOT NULL DEFAULT 0,
    "invalid" INTEGER NOT NULL DEFAULT 0,
    "guarded" INTEGER NOT NULL DEFAULT 0,
    "error_code" TEXT,
    "error" TEXT,
    "duration_ms" INTEGER,

    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "sync_runs_trigger_check" CHECK ("trigger" IN ('cron', 'manual', 'startup', 'catch-up')),
    CONSTRAINT "sync_runs_status_check" CHECK ("status" IN ('running', 'succeeded', 'failed', 'guarded', 'skipped'))
);

CREATE INDEX "sync_runs_started_at_idx" ON "sync_runs"("started_at");
CREATE INDEX "sync_runs_status_started_at_idx" ON "sync_runs"("status", "started_at");

-- events: the transactional outbox.
CREATE TABLE "events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "seq" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "file_id" TEXT,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "data" JSONB NOT NULL,
    "sync_run_id" INTEGER,
    "dedupe_key" TEXT,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "events_seq_key" ON "events"("seq");
CREATE UNIQUE INDEX "events_dedupe_key_key" ON "events"("dedupe_key");
CREATE INDEX "events_file_id_seq_idx" ON "events"("file_id", "seq");
CREATE INDEX "events_type_occurred_at_idx" ON "events"("type", "occurred_at");
CREATE INDEX "events_occurred_at_idx" ON "events"("occurred_at");

-- event_deliveries: one row per event per sink.
CREATE TABLE "event_deliveries" (
    "event_id" UUID NOT NULL,
    "sink" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_deliveries_pkey" PRIMARY KEY ("event_id","sink"),
    CONSTRAINT "event_deliveries_status_check" CHECK ("status" IN ('pending', 'delivered', 'dead'))
);

CREATE INDEX "event_deliveries_status_next_attempt_at_idx" ON "event_deliveries"("status", "next_attempt_at");

-- Foreign keys
ALTER TABLE "file_versions" ADD CONSTRAINT "file_versions_file_id_fkey" FOREIGN KEY ("file_id") REFERENCES "files"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "file_versions" ADD CONSTRAINT "file_versions_sync_run_id_fkey" FOREIGN KEY ("sync_run_id") REFERENCES "sync_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "events" ADD CONSTRAINT "events_sync_run_id_fkey" FOREIGN KEY ("sync_run_id") REFERENCES "sync_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "event_deliveries" ADD CONSTRAINT "event_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE CASCADE;
