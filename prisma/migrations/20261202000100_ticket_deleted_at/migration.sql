-- AlterTable: a ticket whose messages the upstream answers 404 for was deleted there; it is kept and flagged,
-- and the flag is cleared when the ticket is listed with its messages again.
ALTER TABLE "tickets" ADD COLUMN "deleted_at" TIMESTAMPTZ(3);
