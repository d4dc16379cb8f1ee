CREATE TABLE "devices" (
	"id" serial PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"vendor" text NOT NULL,
	"model" text NOT NULL,
	"device_class" text NOT NULL,
	"os_platform" text NOT NULL,
	"os_release" text NOT NULL,
	"os_distro" text,
	"cpu_vendor" text,
	"cpu_model" text NOT NULL,
	"cpu_cores" integer NOT NULL,
	"cpu_threads" integer NOT NULL,
	"ram_bytes" bigint NOT NULL,
	"gpus" jsonb NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "devices_fingerprint_unique" UNIQUE("fingerprint")
);
--> statement-breakpoint
CREATE TABLE "engines" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"version" text NOT NULL,
	"build" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "engines_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"family" text,
	"parameter_count" bigint,
	"quantization" text NOT NULL,
	"file_bytes" bigint NOT NULL,
	"sha256" text,
	"weights" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "models_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "power_readings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"submission_id" uuid NOT NULL,
	"workload_result_id" bigint,
	"kind" text NOT NULL,
	"method" text NOT NULL,
	"scope" text NOT NULL,
	"sensor" text NOT NULL,
	"duration_ns" bigint NOT NULL,
	"energy_j" double precision,
	"avg_power_w" double precision,
	"idle_power_w" double precision
);
--> statement-breakpoint
CREATE TABLE "power_traces" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workload_result_id" bigint NOT NULL,
	"sensor" text NOT NULL,
	"scope" text NOT NULL,
	"t_ms" real[] NOT NULL,
	"power_w" real[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runner_tokens" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"role" text DEFAULT 'runner' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "runner_tokens_name_unique" UNIQUE("name"),
	CONSTRAINT "runner_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "submissions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"schema_version" integer NOT NULL,
	"suite_version" text NOT NULL,
	"token_id" integer,
	"device_id" integer NOT NULL,
	"model_id" integer NOT NULL,
	"engine_id" integer NOT NULL,
	"backend" text NOT NULL,
	"runner_name" text NOT NULL,
	"runner_version" text NOT NULL,
	"runner_commit" text,
	"options" jsonb NOT NULL,
	"device_snapshot" jsonb NOT NULL,
	"memory_bandwidth_gbps" real,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"plausible" boolean NOT NULL,
	"flags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"published" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tco_scenarios" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"inputs" jsonb NOT NULL,
	"model_version" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workload_results" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"submission_id" uuid NOT NULL,
	"device_id" integer NOT NULL,
	"model_id" integer NOT NULL,
	"engine_id" integer NOT NULL,
	"backend" text NOT NULL,
	"workload_id" text NOT NULL,
	"n_prompt" integer NOT NULL,
	"n_gen" integer NOT NULL,
	"n_depth" integer NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"samples_ns" bigint[] NOT NULL,
	"samples_prompt_tokens" integer[] NOT NULL,
	"samples_gen_tokens" integer[] NOT NULL,
	"avg_ns" double precision,
	"stddev_ns" double precision,
	"avg_ts" double precision,
	"stddev_ts" double precision,
	"peak_rss_bytes" bigint,
	"model_bytes" bigint,
	"kv_bytes" bigint,
	"vram_bytes" bigint,
	"prefill_j_per_token" double precision,
	"prefill_j_per_token_above_idle" double precision,
	"decode_j_per_token" double precision,
	"decode_j_per_token_above_idle" double precision,
	"plausible" boolean NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "power_readings" ADD CONSTRAINT "power_readings_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "power_readings" ADD CONSTRAINT "power_readings_workload_result_id_workload_results_id_fk" FOREIGN KEY ("workload_result_id") REFERENCES "public"."workload_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "power_traces" ADD CONSTRAINT "power_traces_workload_result_id_workload_results_id_fk" FOREIGN KEY ("workload_result_id") REFERENCES "public"."workload_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_token_id_runner_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."runner_tokens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_engine_id_engines_id_fk" FOREIGN KEY ("engine_id") REFERENCES "public"."engines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workload_results" ADD CONSTRAINT "workload_results_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pr_submission_idx" ON "power_readings" USING btree ("submission_id");--> statement-breakpoint
CREATE INDEX "pr_workload_idx" ON "power_readings" USING btree ("workload_result_id");--> statement-breakpoint
CREATE INDEX "pt_workload_idx" ON "power_traces" USING btree ("workload_result_id");--> statement-breakpoint
CREATE INDEX "submissions_device_idx" ON "submissions" USING btree ("device_id");--> statement-breakpoint
CREATE INDEX "submissions_model_idx" ON "submissions" USING btree ("model_id");--> statement-breakpoint
CREATE INDEX "submissions_received_idx" ON "submissions" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "wr_submission_idx" ON "workload_results" USING btree ("submission_id");--> statement-breakpoint
CREATE INDEX "wr_board_idx" ON "workload_results" USING btree ("workload_id","model_id","device_id","engine_id","backend");--> statement-breakpoint
CREATE INDEX "wr_device_idx" ON "workload_results" USING btree ("device_id","workload_id");--> statement-breakpoint
CREATE INDEX "wr_public_idx" ON "workload_results" USING btree ("workload_id","model_id") WHERE "workload_results"."published" and "workload_results"."plausible";