CREATE TABLE "agent_batches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"target" jsonb NOT NULL,
	"request" jsonb NOT NULL,
	"job_count" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"batch_id" uuid NOT NULL,
	"agent_id" integer NOT NULL,
	"request" jsonb NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"progress" jsonb,
	"error" text,
	"submission_id" uuid,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "agent_jobs_submission_id_unique" UNIQUE("submission_id")
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" serial PRIMARY KEY NOT NULL,
	"token_id" integer NOT NULL,
	"name" text NOT NULL,
	"device_fingerprint" text NOT NULL,
	"device_class" text NOT NULL,
	"device" jsonb NOT NULL,
	"version" text NOT NULL,
	"queue" text GENERATED ALWAYS AS ('tw-agent-' || "id"::text) STORED NOT NULL,
	"status" text DEFAULT 'idle' NOT NULL,
	"current_job_id" uuid,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agents_token_id_unique" UNIQUE("token_id")
);
--> statement-breakpoint
ALTER TABLE "agent_jobs" ADD CONSTRAINT "agent_jobs_batch_id_agent_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."agent_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_jobs" ADD CONSTRAINT "agent_jobs_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_jobs" ADD CONSTRAINT "agent_jobs_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_token_id_runner_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."runner_tokens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_jobs_batch_agent_idx" ON "agent_jobs" USING btree ("batch_id","agent_id");--> statement-breakpoint
CREATE INDEX "agent_jobs_agent_state_idx" ON "agent_jobs" USING btree ("agent_id","state");--> statement-breakpoint
CREATE INDEX "agent_jobs_state_idx" ON "agent_jobs" USING btree ("state","queued_at");