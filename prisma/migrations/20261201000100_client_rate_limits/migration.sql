-- AlterTable: a client's own rate plan at the upstream; NULL means the service default (EXTERNAL_API_REQUESTS_PER_MINUTE).
ALTER TABLE "clients" ADD COLUMN "requests_per_minute" INTEGER;
ALTER TABLE "clients" ADD CONSTRAINT "clients_requests_per_minute_positive" CHECK ("requests_per_minute" > 0);
