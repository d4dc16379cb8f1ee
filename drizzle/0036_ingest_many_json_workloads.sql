-- The ingest calls take their workload rows as json, not jsonb (lib/server/db/ingest-function.ts,
-- re-applied at every start, creates tokenwatt_ingest(jsonb, json, jsonb, jsonb) and
-- tokenwatt_ingest_many(jsonb, json)): the versions taking jsonb go.
DROP FUNCTION IF EXISTS tokenwatt_ingest_many(jsonb);
--> statement-breakpoint
DROP FUNCTION IF EXISTS tokenwatt_ingest(jsonb, jsonb, jsonb, jsonb);
