ALTER TABLE "workload_results" ADD COLUMN "thermal_start" jsonb;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "start_cpu_c" double precision;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "sustained" jsonb;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "peak_ts" double precision;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "steady_ts" double precision;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "throttle_ratio" double precision;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "time_to_throttle_s" double precision;--> statement-breakpoint
-- Sustained (thermal) results per leaderboard configuration: medians over runs of the peak, the
-- steady state, their ratio, the time to throttle and the CPU temperature each run started at.
-- The configuration leaves out the context size: a sustained run needs a small context and is
-- usually run on its own, and rows join it by the rest of their configuration (lib/server/read/leaderboard.ts).
-- Published, plausible, ok results only; refreshed with the other leaderboard views.
CREATE MATERIALIZED VIEW leaderboard_sustained AS
SELECT wr.device_id, wr.model_id, wr.engine_id, wr.backend, wr.workload_id,
  concat_ws(' · ',
    'threads ' || (s.options->>'threads'),
    'FA ' || (s.options->>'flashAttention'),
    'batch ' || (s.options->>'batchSize') || '/' || coalesce(s.options->>'ubatchSize', '?'),
    CASE WHEN wr.backend NOT IN ('cpu', 'wasm') THEN 'GPU layers ' || coalesce(s.options->>'gpuLayers', 'default') END,
    'KV ' || (s.options->>'typeK') || '/' || coalesce(s.options->>'typeV', '?'),
    CASE s.device_snapshot->'battery'->>'acConnected' WHEN 'true' THEN 'on AC' WHEN 'false' THEN 'on battery' END
  ) AS config,
  count(*)::int AS runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.peak_ts) AS peak_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.steady_ts) AS steady_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.throttle_ratio) AS throttle_ratio,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.time_to_throttle_s) AS time_to_throttle_s,
  count(*) FILTER (WHERE wr.time_to_throttle_s IS NOT NULL)::int AS throttled_runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.start_cpu_c) AS start_cpu_c
FROM workload_results wr
JOIN submissions s ON s.id = wr.submission_id
WHERE wr.published AND wr.plausible AND s.plausible AND wr.status = 'ok' AND wr.steady_ts IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;
--> statement-breakpoint
CREATE UNIQUE INDEX leaderboard_sustained_key ON leaderboard_sustained (device_id, model_id, engine_id, backend, config, workload_id);
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
--> statement-breakpoint
-- The owner's sustained results, published or not.
CREATE VIEW owner_sustained AS
SELECT wr.device_id, wr.model_id, wr.engine_id, wr.backend, wr.workload_id,
  concat_ws(' · ',
    'threads ' || (s.options->>'threads'),
    'FA ' || (s.options->>'flashAttention'),
    'batch ' || (s.options->>'batchSize') || '/' || coalesce(s.options->>'ubatchSize', '?'),
    CASE WHEN wr.backend NOT IN ('cpu', 'wasm') THEN 'GPU layers ' || coalesce(s.options->>'gpuLayers', 'default') END,
    'KV ' || (s.options->>'typeK') || '/' || coalesce(s.options->>'typeV', '?'),
    CASE s.device_snapshot->'battery'->>'acConnected' WHEN 'true' THEN 'on AC' WHEN 'false' THEN 'on battery' END
  ) AS config,
  count(*)::int AS runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.peak_ts) AS peak_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.steady_ts) AS steady_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.throttle_ratio) AS throttle_ratio,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.time_to_throttle_s) AS time_to_throttle_s,
  count(*) FILTER (WHERE wr.time_to_throttle_s IS NOT NULL)::int AS throttled_runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.start_cpu_c) AS start_cpu_c
FROM workload_results wr
JOIN submissions s ON s.id = wr.submission_id
WHERE wr.plausible AND s.plausible AND wr.status = 'ok' AND wr.steady_ts IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;
