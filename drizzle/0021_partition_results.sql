-- Workload results partitioned by month of created_at (declarative range partitioning), and the
-- leaderboard's configuration defined once. PostgreSQL cannot turn a table into a partitioned one
-- in place: the rows move into a new partitioned table, and the views that read the old one are
-- made again. The views now read one plain view, result_configs (each result with its run's
-- configuration), instead of repeating the configuration expression (0012, 0016, 0018).
DROP MATERIALIZED VIEW leaderboard_facets;
--> statement-breakpoint
DROP MATERIALIZED VIEW leaderboard_rows;
--> statement-breakpoint
DROP MATERIALIZED VIEW leaderboard_cells;
--> statement-breakpoint
DROP MATERIALIZED VIEW leaderboard_sustained;
--> statement-breakpoint
DROP VIEW owner_rows;
--> statement-breakpoint
DROP VIEW owner_cells;
--> statement-breakpoint
DROP VIEW owner_sustained;
--> statement-breakpoint
ALTER TABLE "power_readings" DROP CONSTRAINT "power_readings_workload_result_id_workload_results_id_fk";
--> statement-breakpoint
ALTER TABLE "power_traces" DROP CONSTRAINT "power_traces_workload_result_id_workload_results_id_fk";
--> statement-breakpoint
ALTER TABLE "workload_results" RENAME TO "workload_results_unpartitioned";
--> statement-breakpoint
CREATE TABLE "workload_results" (LIKE "workload_results_unpartitioned" INCLUDING DEFAULTS) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
-- Creates the monthly partitions (UTC months) from p_from's month to p_months_ahead months after
-- this one, where missing; returns how many it made. Idempotent, and serialized by an advisory lock
-- so that processes starting together do not race. Called by every open of the database (3 months
-- ahead) and by the server every few hours (lib/server/db/partitions.ts).
CREATE FUNCTION tokenwatt_result_partitions(p_from timestamptz, p_months_ahead int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  m timestamp := date_trunc('month', least(p_from, now()) AT TIME ZONE 'UTC');
  stop timestamp := date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => greatest(p_months_ahead, 0));
  made int := 0;
  part text;
BEGIN
  PERFORM pg_advisory_xact_lock(7152, 2);
  WHILE m <= stop LOOP
    part := 'workload_results_' || to_char(m, 'YYYY_MM');
    IF to_regclass(part) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF workload_results FOR VALUES FROM (%L) TO (%L)',
        part, m AT TIME ZONE 'UTC', (m + interval '1 month') AT TIME ZONE 'UTC');
      made := made + 1;
    END IF;
    m := m + interval '1 month';
  END LOOP;
  RETURN made;
END;
$$;
--> statement-breakpoint
SELECT tokenwatt_result_partitions(coalesce((SELECT min(created_at) FROM workload_results_unpartitioned), now()), 3);
--> statement-breakpoint
INSERT INTO "workload_results" SELECT * FROM "workload_results_unpartitioned";
--> statement-breakpoint
ALTER TABLE "power_readings" ADD COLUMN "workload_created_at" timestamp with time zone;
--> statement-breakpoint
UPDATE "power_readings" p SET "workload_created_at" = w.created_at FROM "workload_results_unpartitioned" w WHERE w.id = p.workload_result_id;
--> statement-breakpoint
ALTER TABLE "power_traces" ADD COLUMN "workload_created_at" timestamp with time zone;
--> statement-breakpoint
UPDATE "power_traces" p SET "workload_created_at" = w.created_at FROM "workload_results_unpartitioned" w WHERE w.id = p.workload_result_id;
--> statement-breakpoint
-- Traces whose result is gone (none should be: the old foreign key cascaded) cannot be kept under the new key.
DELETE FROM "power_traces" WHERE "workload_created_at" IS NULL;
--> statement-breakpoint
ALTER TABLE "power_traces" ALTER COLUMN "workload_created_at" SET NOT NULL;
--> statement-breakpoint
-- The id sequence outlives the old table.
ALTER SEQUENCE "workload_results_id_seq" OWNED BY NONE;
--> statement-breakpoint
DROP TABLE "workload_results_unpartitioned";
--> statement-breakpoint
ALTER SEQUENCE "workload_results_id_seq" OWNED BY "workload_results"."id";
--> statement-breakpoint
ALTER TABLE "workload_results" ADD CONSTRAINT "workload_results_pkey" PRIMARY KEY ("id", "created_at");
--> statement-breakpoint
ALTER TABLE "workload_results" ADD CONSTRAINT "workload_results_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "wr_submission_idx" ON "workload_results" USING btree ("submission_id");
--> statement-breakpoint
CREATE INDEX "wr_board_idx" ON "workload_results" USING btree ("workload_id", "model_id", "device_id", "engine_id", "backend");
--> statement-breakpoint
CREATE INDEX "wr_device_idx" ON "workload_results" USING btree ("device_id", "workload_id");
--> statement-breakpoint
CREATE INDEX "wr_public_idx" ON "workload_results" USING btree ("workload_id", "model_id") WHERE "published" AND "plausible";
--> statement-breakpoint
CREATE INDEX "wr_published_submission_idx" ON "workload_results" USING btree ("submission_id") WHERE "published";
--> statement-breakpoint
ALTER TABLE "power_readings" ADD CONSTRAINT "power_readings_workload_fk" FOREIGN KEY ("workload_result_id", "workload_created_at") REFERENCES "public"."workload_results"("id", "created_at") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "power_traces" ADD CONSTRAINT "power_traces_workload_fk" FOREIGN KEY ("workload_result_id", "workload_created_at") REFERENCES "public"."workload_results"("id", "created_at") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- Every workload result with its run's configuration: the leaderboard's cells never pool results
-- measured with different threads, flash attention, batch sizes, context, GPU layers, KV types or
-- power source. sustained_config leaves out the context size (a sustained run needs a small
-- context and is usually a run of its own; rows join it by the rest of their configuration).
CREATE VIEW result_configs AS
SELECT wr.*, s.started_at, s.plausible AS submission_plausible, m.file_bytes,
  concat_ws(' · ', c.threads, c.fa, c.batch, c.ctx, c.gpu, c.kv, c.power) AS config,
  concat_ws(' · ', c.threads, c.fa, c.batch, c.gpu, c.kv, c.power) AS sustained_config
FROM workload_results wr
JOIN submissions s ON s.id = wr.submission_id
JOIN models m ON m.id = wr.model_id
CROSS JOIN LATERAL (SELECT
  'threads ' || (s.options->>'threads') AS threads,
  'FA ' || (s.options->>'flashAttention') AS fa,
  'batch ' || (s.options->>'batchSize') || '/' || coalesce(s.options->>'ubatchSize', '?') AS batch,
  'ctx ' || (s.options->>'contextSize') AS ctx,
  CASE WHEN wr.backend NOT IN ('cpu', 'wasm') THEN 'GPU layers ' || coalesce(s.options->>'gpuLayers', 'default') END AS gpu,
  'KV ' || (s.options->>'typeK') || '/' || coalesce(s.options->>'typeV', '?') AS kv,
  CASE s.device_snapshot->'battery'->>'acConnected' WHEN 'true' THEN 'on AC' WHEN 'false' THEN 'on battery' END AS power
) c;
--> statement-breakpoint
-- The owner's cells: plausible, ok results, published or not, with how many of their runs are
-- private. The public leaderboard_cells below is this over published results only.
CREATE VIEW owner_cells AS
WITH base AS (
  SELECT * FROM result_configs WHERE plausible AND submission_plausible AND status = 'ok'
), energy_pick AS (
  SELECT DISTINCT ON (device_id, model_id, engine_id, backend, workload_id, config)
    device_id, model_id, engine_id, backend, workload_id, config, energy_scope, energy_tier
  FROM base
  WHERE j_per_token IS NOT NULL AND energy_scope IS NOT NULL AND energy_tier IS NOT NULL AND energy_tier <> 'modelled'
  GROUP BY device_id, model_id, engine_id, backend, workload_id, config, energy_scope, energy_tier
  ORDER BY device_id, model_id, engine_id, backend, workload_id, config, array_position(ARRAY['external', 'counter', 'sampled', 'battery'], energy_tier), count(*) DESC, energy_scope
)
SELECT
  b.device_id,
  b.model_id,
  b.engine_id,
  b.backend,
  b.workload_id,
  b.config,
  count(DISTINCT b.submission_id)::int AS runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.avg_ts) AS median_ts,
  percentile_cont(0.25) WITHIN GROUP (ORDER BY b.avg_ts) AS p25_ts,
  percentile_cont(0.75) WITHIN GROUP (ORDER BY b.avg_ts) AS p75_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.avg_ns) AS median_ns,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.peak_rss_bytes) AS median_peak_rss_bytes,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.prefill_j_per_token) FILTER (WHERE b.j_per_token IS NOT NULL AND b.energy_scope = e.energy_scope AND b.energy_tier = e.energy_tier) AS median_prefill_j_per_token,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.decode_j_per_token) FILTER (WHERE b.j_per_token IS NOT NULL AND b.energy_scope = e.energy_scope AND b.energy_tier = e.energy_tier) AS median_decode_j_per_token,
  count(DISTINCT b.submission_id) FILTER (WHERE b.j_per_token IS NOT NULL AND b.energy_scope = e.energy_scope AND b.energy_tier = e.energy_tier)::int AS energy_runs,
  e.energy_scope,
  e.energy_tier,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.roofline_efficiency) AS median_roofline_efficiency,
  max(b.started_at) AS last_run_at,
  count(DISTINCT b.submission_id) FILTER (WHERE NOT b.published)::int AS private_runs
FROM base b
LEFT JOIN energy_pick e USING (device_id, model_id, engine_id, backend, workload_id, config)
GROUP BY b.device_id, b.model_id, b.engine_id, b.backend, b.workload_id, b.config, e.energy_scope, e.energy_tier;
--> statement-breakpoint
CREATE MATERIALIZED VIEW leaderboard_cells AS
WITH base AS (
  SELECT * FROM result_configs WHERE published AND plausible AND submission_plausible AND status = 'ok'
), energy_pick AS (
  SELECT DISTINCT ON (device_id, model_id, engine_id, backend, workload_id, config)
    device_id, model_id, engine_id, backend, workload_id, config, energy_scope, energy_tier
  FROM base
  WHERE j_per_token IS NOT NULL AND energy_scope IS NOT NULL AND energy_tier IS NOT NULL AND energy_tier <> 'modelled'
  GROUP BY device_id, model_id, engine_id, backend, workload_id, config, energy_scope, energy_tier
  ORDER BY device_id, model_id, engine_id, backend, workload_id, config, array_position(ARRAY['external', 'counter', 'sampled', 'battery'], energy_tier), count(*) DESC, energy_scope
)
SELECT
  b.device_id,
  b.model_id,
  b.engine_id,
  b.backend,
  b.workload_id,
  b.config,
  count(DISTINCT b.submission_id)::int AS runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.avg_ts) AS median_ts,
  percentile_cont(0.25) WITHIN GROUP (ORDER BY b.avg_ts) AS p25_ts,
  percentile_cont(0.75) WITHIN GROUP (ORDER BY b.avg_ts) AS p75_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.avg_ns) AS median_ns,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.peak_rss_bytes) AS median_peak_rss_bytes,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.prefill_j_per_token) FILTER (WHERE b.j_per_token IS NOT NULL AND b.energy_scope = e.energy_scope AND b.energy_tier = e.energy_tier) AS median_prefill_j_per_token,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.decode_j_per_token) FILTER (WHERE b.j_per_token IS NOT NULL AND b.energy_scope = e.energy_scope AND b.energy_tier = e.energy_tier) AS median_decode_j_per_token,
  count(DISTINCT b.submission_id) FILTER (WHERE b.j_per_token IS NOT NULL AND b.energy_scope = e.energy_scope AND b.energy_tier = e.energy_tier)::int AS energy_runs,
  e.energy_scope,
  e.energy_tier,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.roofline_efficiency) AS median_roofline_efficiency,
  max(b.started_at) AS last_run_at
FROM base b
LEFT JOIN energy_pick e USING (device_id, model_id, engine_id, backend, workload_id, config)
GROUP BY b.device_id, b.model_id, b.engine_id, b.backend, b.workload_id, b.config, e.energy_scope, e.energy_tier;
--> statement-breakpoint
CREATE UNIQUE INDEX leaderboard_cells_key ON leaderboard_cells (device_id, model_id, engine_id, backend, workload_id, config);
--> statement-breakpoint
CREATE INDEX leaderboard_cells_workload ON leaderboard_cells (workload_id, model_id);
--> statement-breakpoint
CREATE MATERIALIZED VIEW leaderboard_rows AS
WITH pp AS (SELECT DISTINCT workload_id FROM leaderboard_cells WHERE workload_id ~ '^pp[0-9]+$'),
     tg AS (SELECT DISTINCT workload_id FROM leaderboard_cells WHERE workload_id ~ '^tg[0-9]+$'),
     pairs AS (SELECT pp.workload_id AS pp_workload, tg.workload_id AS tg_workload FROM pp CROSS JOIN tg),
     pivot AS (
       SELECT c.device_id, c.model_id, c.engine_id, c.backend, c.config, p.pp_workload, p.tg_workload,
         max(c.median_ts) FILTER (WHERE c.workload_id = p.pp_workload) AS pp_ts,
         max(c.p25_ts) FILTER (WHERE c.workload_id = p.pp_workload) AS pp_p25,
         max(c.p75_ts) FILTER (WHERE c.workload_id = p.pp_workload) AS pp_p75,
         max(c.median_ts) FILTER (WHERE c.workload_id = p.tg_workload) AS tg_ts,
         max(c.p25_ts) FILTER (WHERE c.workload_id = p.tg_workload) AS tg_p25,
         max(c.p75_ts) FILTER (WHERE c.workload_id = p.tg_workload) AS tg_p75,
         max(c.median_ns) FILTER (WHERE c.workload_id = 'ttft') / 1e6 AS ttft_ms,
         max(c.median_prefill_j_per_token) FILTER (WHERE c.workload_id = p.pp_workload) AS prefill_j_per_token,
         max(c.energy_scope) FILTER (WHERE c.workload_id = p.pp_workload) AS prefill_energy_scope,
         max(c.energy_tier) FILTER (WHERE c.workload_id = p.pp_workload) AS prefill_energy_tier,
         max(c.median_decode_j_per_token) FILTER (WHERE c.workload_id = p.tg_workload) AS decode_j_per_token,
         max(c.energy_scope) FILTER (WHERE c.workload_id = p.tg_workload) AS decode_energy_scope,
         max(c.energy_tier) FILTER (WHERE c.workload_id = p.tg_workload) AS decode_energy_tier,
         max(c.median_roofline_efficiency) FILTER (WHERE c.workload_id = p.tg_workload) AS roofline_efficiency,
         max(c.median_peak_rss_bytes) AS peak_rss_bytes,
         max(c.runs) AS runs,
         max(c.last_run_at) AS last_run_at
       FROM leaderboard_cells c
       JOIN pairs p ON c.workload_id IN (p.pp_workload, p.tg_workload, 'ttft')
       GROUP BY c.device_id, c.model_id, c.engine_id, c.backend, c.config, p.pp_workload, p.tg_workload
     )
-- Device, model and engine columns are copied in so that filters and sorting read one table.
SELECT p.*, CASE WHEN p.decode_j_per_token > 0 THEN 1 / p.decode_j_per_token END AS tokens_per_joule,
  d.vendor AS device_vendor, d.model AS device_model, d.device_class, d.cpu_model,
  m.name AS model_name, m.family AS model_family, m.parameter_count, m.quantization, m.weights,
  e.name AS engine_name, e.version AS engine_version
FROM pivot p
JOIN devices d ON d.id = p.device_id
JOIN models m ON m.id = p.model_id
JOIN engines e ON e.id = p.engine_id
WHERE p.pp_ts IS NOT NULL OR p.tg_ts IS NOT NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX leaderboard_rows_key ON leaderboard_rows (device_id, model_id, engine_id, backend, config, pp_workload, tg_workload);
--> statement-breakpoint
CREATE INDEX leaderboard_rows_pair_tg ON leaderboard_rows (pp_workload, tg_workload, tg_ts DESC NULLS LAST);
--> statement-breakpoint
CREATE MATERIALIZED VIEW leaderboard_facets AS
SELECT DISTINCT facet, value FROM (
  SELECT 'model' AS facet, model_name AS value FROM leaderboard_rows
  UNION ALL SELECT 'family', model_family FROM leaderboard_rows
  UNION ALL SELECT 'quant', quantization FROM leaderboard_rows
  UNION ALL SELECT 'deviceClass', device_class FROM leaderboard_rows
  UNION ALL SELECT 'vendor', device_vendor FROM leaderboard_rows
  UNION ALL SELECT 'backend', backend FROM leaderboard_rows
  UNION ALL SELECT 'engine', engine_name FROM leaderboard_rows
  UNION ALL SELECT 'engineVersion', engine_version FROM leaderboard_rows
  UNION ALL SELECT 'energyScope', decode_energy_scope FROM leaderboard_rows
  UNION ALL SELECT 'workload', workload_id FROM (SELECT DISTINCT workload_id FROM leaderboard_cells) w
) f
WHERE value IS NOT NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX leaderboard_facets_key ON leaderboard_facets (facet, value);
--> statement-breakpoint
-- Sustained (thermal) results per configuration (without the context size): medians over runs of
-- the peak, the steady state, their ratio, the time to throttle and the CPU temperature each run
-- started at. Published, plausible, ok results only; refreshed with the other leaderboard views.
CREATE MATERIALIZED VIEW leaderboard_sustained AS
SELECT device_id, model_id, engine_id, backend, workload_id, sustained_config AS config,
  count(*)::int AS runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY peak_ts) AS peak_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY steady_ts) AS steady_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY throttle_ratio) AS throttle_ratio,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_throttle_s) AS time_to_throttle_s,
  count(*) FILTER (WHERE time_to_throttle_s IS NOT NULL)::int AS throttled_runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY start_cpu_c) AS start_cpu_c
FROM result_configs
WHERE published AND plausible AND submission_plausible AND status = 'ok' AND steady_ts IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;
--> statement-breakpoint
CREATE UNIQUE INDEX leaderboard_sustained_key ON leaderboard_sustained (device_id, model_id, engine_id, backend, config, workload_id);
--> statement-breakpoint
-- The owner's sustained results, published or not.
CREATE VIEW owner_sustained AS
SELECT device_id, model_id, engine_id, backend, workload_id, sustained_config AS config,
  count(*)::int AS runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY peak_ts) AS peak_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY steady_ts) AS steady_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY throttle_ratio) AS throttle_ratio,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_throttle_s) AS time_to_throttle_s,
  count(*) FILTER (WHERE time_to_throttle_s IS NOT NULL)::int AS throttled_runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY start_cpu_c) AS start_cpu_c
FROM result_configs
WHERE plausible AND submission_plausible AND status = 'ok' AND steady_ts IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;
--> statement-breakpoint
-- The owner's leaderboard rows: leaderboard_rows' pivot over owner_cells (published or not, with the
-- count of private runs). A plain view: only the owner's local dashboard reads it.
CREATE VIEW owner_rows AS
WITH pp AS (SELECT DISTINCT workload_id FROM owner_cells WHERE workload_id ~ '^pp[0-9]+$'),
     tg AS (SELECT DISTINCT workload_id FROM owner_cells WHERE workload_id ~ '^tg[0-9]+$'),
     pairs AS (SELECT pp.workload_id AS pp_workload, tg.workload_id AS tg_workload FROM pp CROSS JOIN tg),
     pivot AS (
       SELECT c.device_id, c.model_id, c.engine_id, c.backend, c.config, p.pp_workload, p.tg_workload,
         max(c.median_ts) FILTER (WHERE c.workload_id = p.pp_workload) AS pp_ts,
         max(c.p25_ts) FILTER (WHERE c.workload_id = p.pp_workload) AS pp_p25,
         max(c.p75_ts) FILTER (WHERE c.workload_id = p.pp_workload) AS pp_p75,
         max(c.median_ts) FILTER (WHERE c.workload_id = p.tg_workload) AS tg_ts,
         max(c.p25_ts) FILTER (WHERE c.workload_id = p.tg_workload) AS tg_p25,
         max(c.p75_ts) FILTER (WHERE c.workload_id = p.tg_workload) AS tg_p75,
         max(c.median_ns) FILTER (WHERE c.workload_id = 'ttft') / 1e6 AS ttft_ms,
         max(c.median_prefill_j_per_token) FILTER (WHERE c.workload_id = p.pp_workload) AS prefill_j_per_token,
         max(c.energy_scope) FILTER (WHERE c.workload_id = p.pp_workload) AS prefill_energy_scope,
         max(c.energy_tier) FILTER (WHERE c.workload_id = p.pp_workload) AS prefill_energy_tier,
         max(c.median_decode_j_per_token) FILTER (WHERE c.workload_id = p.tg_workload) AS decode_j_per_token,
         max(c.energy_scope) FILTER (WHERE c.workload_id = p.tg_workload) AS decode_energy_scope,
         max(c.energy_tier) FILTER (WHERE c.workload_id = p.tg_workload) AS decode_energy_tier,
         max(c.median_roofline_efficiency) FILTER (WHERE c.workload_id = p.tg_workload) AS roofline_efficiency,
         max(c.median_peak_rss_bytes) AS peak_rss_bytes,
         max(c.runs) AS runs,
         max(c.private_runs) AS private_runs,
         max(c.last_run_at) AS last_run_at
       FROM owner_cells c
       JOIN pairs p ON c.workload_id IN (p.pp_workload, p.tg_workload, 'ttft')
       GROUP BY c.device_id, c.model_id, c.engine_id, c.backend, c.config, p.pp_workload, p.tg_workload
     )
SELECT p.*, CASE WHEN p.decode_j_per_token > 0 THEN 1 / p.decode_j_per_token END AS tokens_per_joule,
  d.vendor AS device_vendor, d.model AS device_model, d.device_class, d.cpu_model,
  m.name AS model_name, m.family AS model_family, m.parameter_count, m.quantization, m.weights,
  e.name AS engine_name, e.version AS engine_version
FROM pivot p
JOIN devices d ON d.id = p.device_id
JOIN models m ON m.id = p.model_id
JOIN engines e ON e.id = p.engine_id
WHERE p.pp_ts IS NOT NULL OR p.tg_ts IS NOT NULL;
