-- A consumer pages through the rows of a position range by (change_xid, id): with the id in the
-- index each batch is an index range, instead of a rescan of every row since the range's start
-- (all rows older than the feed share change_xid 0, so a first read would be quadratic).
DROP INDEX "tickets_change_xid_idx";
DROP INDEX "messages_change_xid_idx";
DROP INDEX "contacts_change_xid_idx";
CREATE INDEX "tickets_change_xid_id_idx" ON "tickets"("change_xid", "id");
CREATE INDEX "messages_change_xid_id_idx" ON "messages"("change_xid", "id");
CREATE INDEX "contacts_change_xid_id_idx" ON "contacts"("change_xid", "id");
