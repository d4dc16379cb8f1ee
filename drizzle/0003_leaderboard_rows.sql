-- Pre-pivoted leaderboard rows: one row per (device, model, engine, backend) and per pair of a
-- prompt workload (ppN) and a generation workload (tgN) present on the board, so the public page
-- is an indexed scan instead of an aggregation over the cells (1M results: ~100k cells).
-- Refreshed right after leaderboard_cells.
CREATE MATERIALIZED VIEW leaderboard_rows AS
WITH pp AS (SELECT DISTINCT workload_id FROM leaderboard_cells WHERE workload_id ~ '^pp[0-9]+$'),
     tg AS (SELECT DISTINCT workload_id FROM leaderboard_cells WHERE workload_id ~ '^tg[0-9]+$'),
     pairs AS (SELECT pp.workload_id AS pp_workload, tg.workload_id AS tg_workload FROM pp CROSS JOIN tg),
     pivot AS (
       SELECT c.device_id, c.model_id, c.engine_id, c.backend, p.pp_workload, p.tg_workload,
         max(c.median_ts) FILTER (WHERE c.workload_id = p.pp_workload) AS pp_ts,
         max(c.p25_ts) FILTER (WHERE c.workload_id = p.pp_workload) AS pp_p25,
         max(c.p75_ts) FILTER (WHERE c.workload_id = p.pp_workload) AS pp_p75,
         max(c.median_ts) FILTER (WHERE c.workload_id = p.tg_workload) AS tg_ts,
         max(c.p25_ts) FILTER (WHERE c.workload_id = p.tg_workload) AS tg_p25,
         max(c.p75_ts) FILTER (WHERE c.workload_id = p.tg_workload) AS tg_p75,
         max(c.median_ns) FILTER (WHERE c.workload_id = 'ttft') / 1e6 AS ttft_ms,
         max(c.median_prefill_j_per_token) FILTER (WHERE c.workload_id = p.pp_workload) AS prefill_j_per_token,
         max(c.median_decode_j_per_token) FILTER (WHERE c.workload_id = p.tg_workload) AS decode_j_per_token,
         max(c.median_roofline_efficiency) FILTER (WHERE c.workload_id = p.tg_workload) AS roofline_efficiency,
         max(c.median_peak_rss_bytes) AS peak_rss_bytes,
         max(c.runs) AS runs,
         max(c.last_run_at) AS last_run_at
       FROM leaderboard_cells c
       JOIN pairs p ON c.workload_id IN (p.pp_workload, p.tg_workload, 'ttft')
       GROUP BY c.device_id, c.model_id, c.engine_id, c.backend, p.pp_workload, p.tg_workload
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
CREATE UNIQUE INDEX leaderboard_rows_key ON leaderboard_rows (device_id, model_id, engine_id, backend, pp_workload, tg_workload);
--> statement-breakpoint
CREATE INDEX leaderboard_rows_pair_tg ON leaderboard_rows (pp_workload, tg_workload, tg_ts DESC NULLS LAST);
--> statement-breakpoint
-- Distinct values for the filter menus, a few hundred rows.
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
  UNION ALL SELECT 'workload', workload_id FROM (SELECT DISTINCT workload_id FROM leaderboard_cells) w
) f
WHERE value IS NOT NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX leaderboard_facets_key ON leaderboard_facets (facet, value);
