-- The public page cache's version (drizzle/0020) is bumped when a device changes that public pages
-- show: one that is published, or one with a published run (a run published by its id leaves the
-- device's own flag false; renaming that device used to bump nothing, security review N5).
CREATE OR REPLACE FUNCTION tokenwatt_bump_if_device_public() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.published OR NEW.published OR EXISTS (SELECT 1 FROM submissions s WHERE s.device_id = NEW.id AND s.published) THEN
    UPDATE public_version SET version = version + 1, changed_at = now() WHERE id = 1;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER devices_public_change ON devices;
--> statement-breakpoint
CREATE TRIGGER devices_public_change AFTER UPDATE ON devices FOR EACH ROW
  WHEN (OLD.* IS DISTINCT FROM NEW.*)
  EXECUTE FUNCTION tokenwatt_bump_if_device_public();
