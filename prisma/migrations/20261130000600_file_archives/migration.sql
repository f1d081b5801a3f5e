-- archive_records: one row per archived (or to-be-archived) version of a file whose purpose is in
-- ARCHIVE_PURPOSES. A replica leases a row (locked_by/locked_until, claimed with SKIP LOCKED) while
-- it downloads; `archived` is written only after the store has the complete, verified content.
CREATE TABLE "archive_records" (
    "file_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "store" TEXT NOT NULL,
    "key" TEXT,
    "expected_bytes" BIGINT NOT NULL,
    "size" BIGINT,
    "sha256" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_reason" TEXT,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_by" TEXT,
    "locked_until" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archived_at" TIMESTAMPTZ(6),

    CONSTRAINT "archive_records_pkey" PRIMARY KEY ("file_id", "version"),
    CONSTRAINT "archive_records_file_version_fkey" FOREIGN KEY ("file_id", "version")
        REFERENCES "file_versions"("file_id", "version") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE INDEX "archive_records_status_next_attempt_at_idx"
    ON "archive_records"("status", "next_attempt_at");

-- file_archives: the analysts' view of archives, one row per archived (or pending) file version,
-- with the file's name and expiry and whether the version is still the current one.
CREATE VIEW "file_archives" AS
SELECT a.file_id,
       a.version,
       v.filename,
       v.purpose,
       v.expires_at,
       a.expected_bytes AS bytes,
       a.status,
       a.store,
       a.key,
       a.size,
       a.sha256,
       a.attempts,
       a.last_reason,
       a.last_error,
       a.next_attempt_at,
       a.archived_at,
       a.version = f.version AS is_current,
       f.status AS file_status
  FROM archive_records a
  JOIN file_versions v ON v.file_id = a.file_id AND v.version = a.version
  JOIN files f ON f.id = a.file_id;
