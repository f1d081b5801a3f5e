-- cron_fires: one row per scheduled fire that a worker replica claimed. The primary key makes
-- each fire (task name + scheduled time) run on exactly one replica.
CREATE TABLE "cron_fires" (
    "key" TEXT NOT NULL,
    "claimed_by" TEXT NOT NULL,
    "claimed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(6),

    CONSTRAINT "cron_fires_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "cron_fires_claimed_at_idx" ON "cron_fires"("claimed_at");
