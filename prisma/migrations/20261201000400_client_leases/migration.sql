-- CreateTable: per-client leases of the job workers (mutual exclusion across processes that holds
-- no connection). A row is a lease; one whose expires_at has passed is free for the taking.
CREATE TABLE "client_leases" (
    "key" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "client_leases_pkey" PRIMARY KEY ("key")
);
