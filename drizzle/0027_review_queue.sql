ALTER TABLE "contributors" ADD COLUMN "trusted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "review_status" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "review_reason" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "reviewed_by" text;