ALTER TABLE "submissions" ADD COLUMN "model_weights_read_per_token_bytes" bigint;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "model_kv_bytes_per_token" integer;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "phase_energy" jsonb;