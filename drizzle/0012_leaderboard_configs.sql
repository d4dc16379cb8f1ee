-- Leaderboard cells keep configurations apart: results measured with different threads, flash
-- attention, batch sizes, context, GPU layers, KV types or power source (AC or battery) are never
-- pooled; each cell and row says its configuration. The decode roofline is the per-workload figure
-- computed at ingest (0011) instead of the host copy bandwidth over the file size for every backend.
DROP MATERIALIZED VIEW leaderboard_facets;
--> statement-breakpoint
DROP MATERIALIZED VIEW leaderboard_rows;
--> statement-breakpoint
DROP MATERIALIZED VIEW leaderboard_cells;
--> statement-breakpoint
CREATE MATERIALIZED VIEW leaderboard_cells AS
WITH base AS (
  SELECT wr.*, s.started_at, m.file_bytes,
    -- The configuration a result was measured with: cells never pool different ones.
    concat_ws(' · ',
      'threads ' || (s.options->>'threads'),
      'FA ' || (s.options->>'flashAttention'),
      'batch ' || (s.options->>'batchSize') || '/' || coalesce(s.options->>'ubatchSize', '?'),
      'ctx ' || (s.options->>'contextSize'),
      CASE WHEN wr.backend NOT IN ('cpu', 'wasm') THEN 'GPU layers ' || coalesce(s.options->>'gpuLayers', 'default') END,
      'KV ' || (s.options->>'typeK') || '/' || coalesce(s.options->>'typeV', '?'),
      CASE s.device_snapshot->'battery'->>'acConnected' WHEN 'true' THEN 'on AC' WHEN 'false' THEN 'on battery' END
    ) AS config
  FROM workload_results wr
  JOIN submissions s ON s.id = wr.submission_id
  JOIN models m ON m.id = wr.model_id
  WHERE wr.published AND wr.plausible AND s.plausible AND wr.status = 'ok'
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
