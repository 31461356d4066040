-- AlterTable: what a run was asked to do beyond its kind and slug (a backfill's window, a
-- reconcile's repair), kept with the run so a run resumed after a crash knows it.
ALTER TABLE "job_runs" ADD COLUMN "params" JSONB NOT NULL DEFAULT '{}';

-- A trigger joins a queued run only when it asks for the same thing: two backfills of
-- different windows, or a reconcile with and one without repair, are two runs.
DROP INDEX "job_runs_one_queued_per_target";
CREATE UNIQUE INDEX "job_runs_one_queued_per_target" ON "job_runs"("kind", "slug", "params") WHERE "status" = 'queued';
