CREATE TABLE "public_version" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"version" bigint DEFAULT 1 NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- One row, bumped whenever what anonymous visitors see changes: after every leaderboard refresh
-- (lib/server/read/leaderboard.ts) and, through these triggers, when a published device or a
-- published run's verdict changes. The public page cache keys rendered pages on it.
ALTER TABLE "public_version" ADD CONSTRAINT "public_version_one_row" CHECK ("id" = 1);
--> statement-breakpoint
INSERT INTO "public_version" ("id") VALUES (1);
--> statement-breakpoint
CREATE FUNCTION tokenwatt_bump_public_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE public_version SET version = version + 1, changed_at = now() WHERE id = 1;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER devices_public_change AFTER UPDATE ON devices FOR EACH ROW
  WHEN ((OLD.published OR NEW.published) AND OLD.* IS DISTINCT FROM NEW.*)
  EXECUTE FUNCTION tokenwatt_bump_public_version();
--> statement-breakpoint
CREATE TRIGGER submissions_public_change AFTER UPDATE ON submissions FOR EACH ROW
  WHEN (OLD.published AND NEW.published AND (OLD.plausible IS DISTINCT FROM NEW.plausible
    OR OLD.output_status IS DISTINCT FROM NEW.output_status OR OLD.output_explanation IS DISTINCT FROM NEW.output_explanation))
  EXECUTE FUNCTION tokenwatt_bump_public_version();
