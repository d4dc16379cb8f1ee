ALTER TABLE "workload_results" ADD COLUMN "n_batch" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "samples_first_token_ns" bigint[];