-- Imported results say where they come from (contract `source`: tool, format, published URL, which
-- machine, whether the time is known); null for runs measured by a Tokenwatt runner.
ALTER TABLE "submissions" ADD COLUMN "source" jsonb;
