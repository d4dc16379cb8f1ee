CREATE TABLE "contributors" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contributors_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "contributor_id" integer;--> statement-breakpoint
ALTER TABLE "runner_tokens" ADD COLUMN "contributor_id" integer;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_contributor_id_contributors_id_fk" FOREIGN KEY ("contributor_id") REFERENCES "public"."contributors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runner_tokens" ADD CONSTRAINT "runner_tokens_contributor_id_contributors_id_fk" FOREIGN KEY ("contributor_id") REFERENCES "public"."contributors"("id") ON DELETE no action ON UPDATE no action;