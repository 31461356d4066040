-- AlterTable
ALTER TABLE "job_runs" ADD COLUMN "cancel_requested_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "job_runs_kind_slug_status_requested_at_idx" ON "job_runs"("kind", "slug", "status", "requested_at");
