-- AlterTable: what started a run, so scheduled runs are told apart from asked-for ones in the history.
ALTER TABLE "job_runs" ADD COLUMN "trigger" TEXT NOT NULL DEFAULT 'manual';
