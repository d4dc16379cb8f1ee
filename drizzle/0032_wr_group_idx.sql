CREATE INDEX "wr_group_idx" ON "workload_results" USING btree ("device_id","model_id","backend","engine_id");--> statement-breakpoint
DROP INDEX "wr_device_idx";