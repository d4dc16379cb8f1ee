ALTER TABLE "power_readings" ADD COLUMN "tier" text;--> statement-breakpoint
ALTER TABLE "power_readings" ADD COLUMN "flags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "samples_energy_j" double precision[];--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "j_per_token" double precision;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "j_per_token_above_idle" double precision;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "energy_scope" text;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "energy_tier" text;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "energy_sensors" text[];