-- The public leaderboard: medians and spread per (device, model, engine, backend, workload) over
-- published, successful workload results of plausible runs only (one implausible workload
-- keeps its whole run off the board). A materialized view so that the public
-- pages read a few thousand pre-aggregated rows instead of millions of results; it is refreshed
-- (concurrently, readers are not blocked) whenever a publisher publishes or hides runs.
CREATE MATERIALIZED VIEW leaderboard_cells AS
SELECT
  wr.device_id,
  wr.model_id,
  wr.engine_id,
  wr.backend,
  wr.workload_id,
  count(DISTINCT wr.submission_id)::int AS runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.avg_ts) AS median_ts,
  percentile_cont(0.25) WITHIN GROUP (ORDER BY wr.avg_ts) AS p25_ts,
  percentile_cont(0.75) WITHIN GROUP (ORDER BY wr.avg_ts) AS p75_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.avg_ns) AS median_ns,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.peak_rss_bytes) AS median_peak_rss_bytes,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.prefill_j_per_token) AS median_prefill_j_per_token,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.decode_j_per_token) AS median_decode_j_per_token,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY wr.avg_ts * m.file_bytes / (s.memory_bandwidth_gbps * 1e9)) AS median_roofline_efficiency,
  max(s.started_at) AS last_run_at
FROM workload_results wr
JOIN submissions s ON s.id = wr.submission_id
JOIN models m ON m.id = wr.model_id
WHERE wr.published AND wr.plausible AND s.plausible AND wr.status = 'ok'
GROUP BY wr.device_id, wr.model_id, wr.engine_id, wr.backend, wr.workload_id;
--> statement-breakpoint
CREATE UNIQUE INDEX leaderboard_cells_key ON leaderboard_cells (device_id, model_id, engine_id, backend, workload_id);
--> statement-breakpoint
CREATE INDEX leaderboard_cells_workload ON leaderboard_cells (workload_id, model_id);
--> statement-breakpoint
CREATE INDEX wr_published_submission_idx ON workload_results (submission_id) WHERE published;
