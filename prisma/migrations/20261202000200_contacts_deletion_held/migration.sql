-- AlterTable: a contact a complete pass proved missing upstream while the deletion guard held that
-- pass's deletions (too many at once); the next complete pass that finds it missing again deletes it.
ALTER TABLE "contacts" ADD COLUMN "deletion_held_in_pass" INTEGER;
