-- Modelled energy (no sensor on the device: CPU utilisation through Cloud Carbon Footprint's W-per-thread
-- model) keeps its range [low, high]: per reading in joules, per workload in J/token.
ALTER TABLE "power_readings" ADD COLUMN "range_j" double precision[];--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "j_per_token_range" double precision[];