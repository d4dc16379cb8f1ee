ALTER TABLE "submissions" ADD COLUMN "fingerprint_top_k" jsonb;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "output_tie" jsonb;