-- TTFT is a latency: stored results keep its durations (avg_ns, shown in ms) and lose the tokens/s
-- figure derived from them, which mixed a short prefill rate with fixed latency.
UPDATE workload_results SET avg_ts = NULL, stddev_ts = NULL WHERE workload_id = 'ttft';
--> statement-breakpoint
REFRESH MATERIALIZED VIEW leaderboard_cells;
--> statement-breakpoint
REFRESH MATERIALIZED VIEW leaderboard_rows;
--> statement-breakpoint
REFRESH MATERIALIZED VIEW leaderboard_facets;
