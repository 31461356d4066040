-- A delivery to the service's WEBHOOK_URL may be queued by a process that does not know it (an
-- API-only process cancelling a queued run): its target is then NULL, and the worker that sends it
-- uses its own WEBHOOK_URL. The unique key treats NULLs as equal, so queuing an event twice for
-- that receiver still meets ON CONFLICT DO NOTHING (webhook ids are derived from run, client and
-- event type: a repeated finish queues nothing new).
ALTER TABLE "webhook_deliveries" ALTER COLUMN "target_url" DROP NOT NULL;
DROP INDEX "webhook_deliveries_webhook_id_target_url_key";
CREATE UNIQUE INDEX "webhook_deliveries_webhook_id_target_url_key" ON "webhook_deliveries"("webhook_id", "target_url") NULLS NOT DISTINCT;

-- The attempts made before the latest redelivery: the backoff counts only the attempts since, so
-- the first retry after a redelivery comes within seconds again.
ALTER TABLE "webhook_deliveries" ADD COLUMN "attempts_before_redelivery" INTEGER NOT NULL DEFAULT 0;

-- Pruning job history skips runs whose deliveries are still being tried.
CREATE INDEX "webhook_deliveries_pending_run_id_idx" ON "webhook_deliveries"("run_id", "give_up_at") WHERE "status" = 'pending';
