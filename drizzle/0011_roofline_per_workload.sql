-- The decode roofline per workload, computed at ingest from the bytes a token reads (weights and KV
-- cache at its depth) and the bandwidth of the memory holding the weights; null where that memory has
-- no figure (results before this, GPU backends without one) or the model is cache-resident.
ALTER TABLE "workload_results" ADD COLUMN "roofline_efficiency" double precision;--> statement-breakpoint
ALTER TABLE "workload_results" ADD COLUMN "roofline_bytes_per_token" double precision;