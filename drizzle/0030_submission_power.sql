-- A run's power readings and traces move into one row per submission (issue 32, docs/scale.md
-- "Ingest"): they were 21 of the 32 rows a 10-workload submission wrote (power_readings: one per
-- sensor and workload, power_traces: one per trace), each with two or three index entries and a
-- foreign-key check that locked its workload result, and only the run's page reads them. Every
-- reading and trace is kept: a workload is named by its workload id (unique in a submission), in
-- the order they were stored. The ingest function is made again after migrations
-- (lib/server/db/ingest-function.ts): it now returns the stored verdict, hence a new return type.
CREATE TABLE "submission_power" (
	"submission_id" uuid PRIMARY KEY NOT NULL,
	"readings" jsonb NOT NULL,
	"traces" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "submission_power" ADD CONSTRAINT "submission_power_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
INSERT INTO "submission_power" ("submission_id", "readings", "traces")
SELECT coalesce(r.submission_id, t.submission_id), coalesce(r.readings, '[]'::jsonb), coalesce(t.traces, '[]'::jsonb)
FROM (
  SELECT pr.submission_id,
    jsonb_agg(jsonb_build_object('kind', pr.kind, 'workloadId', wr.workload_id, 'method', pr.method, 'scope', pr.scope, 'sensor', pr.sensor,
      'durationNs', pr.duration_ns, 'energyJ', pr.energy_j, 'avgPowerW', pr.avg_power_w, 'idlePowerW', pr.idle_power_w, 'tier', pr.tier,
      'flags', to_jsonb(pr.flags), 'rangeJ', to_jsonb(pr.range_j)) ORDER BY pr.id) AS readings
  FROM "power_readings" pr
  LEFT JOIN "workload_results" wr ON wr.id = pr.workload_result_id AND wr.submission_id = pr.submission_id
  GROUP BY pr.submission_id
) r
FULL JOIN (
  SELECT wr.submission_id,
    jsonb_agg(jsonb_build_object('workloadId', wr.workload_id, 'sensor', pt.sensor, 'scope', pt.scope, 'tMs', to_jsonb(pt.t_ms), 'powerW', to_jsonb(pt.power_w)) ORDER BY pt.id) AS traces
  FROM "power_traces" pt
  JOIN "workload_results" wr ON wr.id = pt.workload_result_id AND wr.created_at = pt.workload_created_at
  GROUP BY wr.submission_id
) t ON t.submission_id = r.submission_id;
--> statement-breakpoint
DROP TABLE "power_readings";
--> statement-breakpoint
DROP TABLE "power_traces";
--> statement-breakpoint
DROP FUNCTION IF EXISTS tokenwatt_ingest(jsonb, jsonb, jsonb, jsonb);
