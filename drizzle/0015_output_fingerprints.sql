ALTER TABLE "submissions" ADD COLUMN "webgpu" jsonb;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "fingerprint_version" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "fingerprint_prompt_tokens" integer;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "fingerprint_tokens" integer[];--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "fingerprint_hash" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "fingerprint_role" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "output_status" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "output_reference" uuid;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "output_agreement" real;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "output_first_diff" integer;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "output_explanation" text;--> statement-breakpoint
CREATE INDEX "submissions_output_ref_idx" ON "submissions" USING btree ("model_id","fingerprint_version") WHERE fingerprint_role = 'reference';