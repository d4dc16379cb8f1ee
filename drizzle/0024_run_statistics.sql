-- The leaderboard, owner and sustained views leave the migrations: lib/server/db/views.ts defines
-- them once and migrate() re-creates them at every open where their SQL changed (its hash is kept in
-- schema_objects). Migrations from here on hold tables and data only.
DROP MATERIALIZED VIEW IF EXISTS leaderboard_facets CASCADE;
--> statement-breakpoint
DROP MATERIALIZED VIEW IF EXISTS leaderboard_rows CASCADE;
--> statement-breakpoint
DROP MATERIALIZED VIEW IF EXISTS leaderboard_cells CASCADE;
--> statement-breakpoint
DROP MATERIALIZED VIEW IF EXISTS leaderboard_sustained CASCADE;
--> statement-breakpoint
DROP VIEW IF EXISTS owner_rows CASCADE;
--> statement-breakpoint
DROP VIEW IF EXISTS owner_cells CASCADE;
--> statement-breakpoint
DROP VIEW IF EXISTS owner_sustained CASCADE;
--> statement-breakpoint
DROP VIEW IF EXISTS result_configs CASCADE;
--> statement-breakpoint
CREATE TABLE "schema_objects" (
	"name" text PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "median_ns" double precision;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "median_ts" double precision;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "p25_ts" double precision;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "p75_ts" double precision;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "p25_ns" double precision;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "p75_ns" double precision;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "median_first_token_ns" double precision;
--> statement-breakpoint
-- Results stored before this migration: the same statistics from their samples (ingest.ts derives
-- them for new ones). Tokens/s of a repetition = (prompt + generated tokens) / seconds, as llama-bench.
UPDATE "workload_results" w SET
  "median_ns" = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ns) FROM unnest(w.samples_ns) ns),
  "p25_ns" = CASE WHEN cardinality(w.samples_ns) > 1 THEN (SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY ns) FROM unnest(w.samples_ns) ns) END,
  "p75_ns" = CASE WHEN cardinality(w.samples_ns) > 1 THEN (SELECT percentile_cont(0.75) WITHIN GROUP (ORDER BY ns) FROM unnest(w.samples_ns) ns) END,
  "median_ts" = CASE WHEN w.workload_id <> 'ttft' THEN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (p + g) * 1e9 / ns) FROM unnest(w.samples_ns, w.samples_prompt_tokens, w.samples_gen_tokens) u(ns, p, g) WHERE ns > 0) END,
  "p25_ts" = CASE WHEN w.workload_id <> 'ttft' AND cardinality(w.samples_ns) > 1 THEN (SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY (p + g) * 1e9 / ns) FROM unnest(w.samples_ns, w.samples_prompt_tokens, w.samples_gen_tokens) u(ns, p, g) WHERE ns > 0) END,
  "p75_ts" = CASE WHEN w.workload_id <> 'ttft' AND cardinality(w.samples_ns) > 1 THEN (SELECT percentile_cont(0.75) WITHIN GROUP (ORDER BY (p + g) * 1e9 / ns) FROM unnest(w.samples_ns, w.samples_prompt_tokens, w.samples_gen_tokens) u(ns, p, g) WHERE ns > 0) END,
  "median_first_token_ns" = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY f) FROM unnest(w.samples_first_token_ns) f WHERE f IS NOT NULL)
WHERE w.status = 'ok' AND cardinality(w.samples_ns) > 0;
