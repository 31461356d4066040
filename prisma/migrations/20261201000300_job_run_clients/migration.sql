-- One row per client of a run: a checkpoint rewrites its own client's row, never the run's
-- whole stats document (which grew with the number of clients at every checkpoint).
CREATE TABLE "job_run_clients" (
    "run_id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "client_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "stats" JSONB NOT NULL DEFAULT '{}',
    "started_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_run_clients_pkey" PRIMARY KEY ("run_id", "slug"),
    CONSTRAINT "job_run_clients_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "job_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "job_run_clients_run_id_status_idx" ON "job_run_clients"("run_id", "status");

-- CreateIndex
CREATE INDEX "job_run_clients_run_id_updated_at_idx" ON "job_run_clients"("run_id", "updated_at");

-- CreateIndex
CREATE INDEX "job_run_clients_slug_status_started_at_idx" ON "job_run_clients"("slug", "status", "started_at");

-- The clients of existing runs move to their own rows; runs still under way keep their stats there only.
INSERT INTO "job_run_clients" ("run_id", "slug", "client_id", "status", "stats", "started_at")
SELECT r."id", e.key, c."id", COALESCE(e.value ->> 'status', 'queued'), e.value, (e.value ->> 'startedAt')::timestamptz
FROM "job_runs" r
CROSS JOIN LATERAL jsonb_each(r."stats") e
LEFT JOIN "clients" c ON c."slug" = e.key;

UPDATE "job_runs" SET "stats" = '{}' WHERE "status" IN ('queued', 'running');
