-- The owner's view of the leaderboard's cells: the same cells (plausible, ok results; configurations
-- kept apart), published or not, with how many of their runs are private. A plain view: the owner's
-- dashboard reads it for its own devices, the public leaderboard never does.
CREATE VIEW owner_cells AS
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
  WHERE wr.plausible AND s.plausible AND wr.status = 'ok'
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
