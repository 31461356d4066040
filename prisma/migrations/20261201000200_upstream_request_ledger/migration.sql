-- CreateTable: the write-ahead record of each client's upstream requests, in blocks of permits, so that
-- whichever process works on a client next (after a restart, a crash or a hand-over) counts the
-- requests of the current rate window. A row's permits are held until held_until; expired rows are pruned.
CREATE TABLE "upstream_request_ledger" (
    "client_id" UUID NOT NULL,
    "holder" UUID NOT NULL,
    "block" INTEGER NOT NULL,
    "permits" INTEGER NOT NULL,
    "reserved_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "held_until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "upstream_request_ledger_pkey" PRIMARY KEY ("client_id","holder","block"),
    CONSTRAINT "upstream_request_ledger_permits_not_negative" CHECK ("permits" >= 0)
);

CREATE INDEX "upstream_request_ledger_client_id_held_until_idx" ON "upstream_request_ledger"("client_id", "held_until");

ALTER TABLE "upstream_request_ledger" ADD CONSTRAINT "upstream_request_ledger_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE CASCADE;
