-- AlterTable: a contact a complete pass found missing upstream only on evidence that is not sound on
-- its own (its place between two pages, or past a last page with no meta.total): it stays live, and
-- the next complete pass that finds it missing too marks it deleted. Bookkeeping, not data: not in
-- the change_xid trigger's columns.
ALTER TABLE "contacts" ADD COLUMN "deletion_suspected_in_pass" INTEGER;
