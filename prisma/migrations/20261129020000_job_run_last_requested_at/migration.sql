-- AlterTable
ALTER TABLE "job_runs" ADD COLUMN "last_requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Existing runs: their only trigger is their first.
UPDATE "job_runs" SET "last_requested_at" = "requested_at";
