-- Memory reported apart: the runtime's own baseline, the KV cache the workload fills (beside the one
-- the context allocated), and the rest of a CPU run's peak (compute buffers, allocator slack).
ALTER TABLE "workload_results" ADD COLUMN "baseline_rss_bytes" bigint;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "kv_used_bytes" bigint;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "other_bytes" bigint;