-- Change positions: every row of tickets, messages and contacts carries the id of the transaction
-- that last changed it (change_xid, from pg_current_xact_id()), so a consumer reads "everything
-- since my last position" without missing a row. A plain sequence would not do: its numbers are
-- taken before commit, so a row numbered 10 can become visible after a consumer has read up to 11.
-- Transaction ids below the oldest transaction still in progress (pg_snapshot_xmin) are final,
-- which gives consumers a safe upper bound (see docs/data-model.md, "Change feed").
--
-- Existing rows get 0 (no table rewrite): a consumer starting from 0 reads them all.
ALTER TABLE "tickets" ADD COLUMN "change_xid" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "messages" ADD COLUMN "change_xid" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "contacts" ADD COLUMN "change_xid" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "tickets" ALTER COLUMN "change_xid" SET DEFAULT (pg_current_xact_id()::text::bigint);
ALTER TABLE "messages" ALTER COLUMN "change_xid" SET DEFAULT (pg_current_xact_id()::text::bigint);
ALTER TABLE "contacts" ALTER COLUMN "change_xid" SET DEFAULT (pg_current_xact_id()::text::bigint);

CREATE INDEX "tickets_change_xid_idx" ON "tickets"("change_xid");
CREATE INDEX "messages_change_xid_idx" ON "messages"("change_xid");
CREATE INDEX "contacts_change_xid_idx" ON "contacts"("change_xid");

-- An update moves the row's position only when its data changed: a contacts pass rewrites every
-- contact it sees (seen_in_pass), and that is bookkeeping, not a change a consumer must read.
CREATE FUNCTION "helpdesk_importer_set_change_xid"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_xid := pg_current_xact_id()::text::bigint;
  RETURN NEW;
END
$$;

CREATE TRIGGER "tickets_change_xid" BEFORE UPDATE ON "tickets" FOR EACH ROW
  WHEN ((OLD.protocol, OLD.subject, OLD.status, OLD.channel, OLD.contact_external_id, OLD.upstream_created_at,
         OLD.upstream_updated_at, OLD.closed_at, OLD.raw, OLD.deleted_at)
        IS DISTINCT FROM
        (NEW.protocol, NEW.subject, NEW.status, NEW.channel, NEW.contact_external_id, NEW.upstream_created_at,
         NEW.upstream_updated_at, NEW.closed_at, NEW.raw, NEW.deleted_at))
  EXECUTE FUNCTION "helpdesk_importer_set_change_xid"();

CREATE TRIGGER "messages_change_xid" BEFORE UPDATE ON "messages" FOR EACH ROW
  WHEN ((OLD.ticket_id, OLD.direction, OLD.type, OLD.body, OLD.media_url, OLD.sender_name, OLD.sent_at, OLD.raw)
        IS DISTINCT FROM
        (NEW.ticket_id, NEW.direction, NEW.type, NEW.body, NEW.media_url, NEW.sender_name, NEW.sent_at, NEW.raw))
  EXECUTE FUNCTION "helpdesk_importer_set_change_xid"();

CREATE TRIGGER "contacts_change_xid" BEFORE UPDATE ON "contacts" FOR EACH ROW
  WHEN ((OLD.name, OLD.phone, OLD.email, OLD.upstream_created_at, OLD.upstream_updated_at, OLD.raw, OLD.deleted_at)
        IS DISTINCT FROM
        (NEW.name, NEW.phone, NEW.email, NEW.upstream_created_at, NEW.upstream_updated_at, NEW.raw, NEW.deleted_at))
  EXECUTE FUNCTION "helpdesk_importer_set_change_xid"();
