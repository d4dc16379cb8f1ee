CREATE TABLE "model_layouts" (
	"sha256" text PRIMARY KEY NOT NULL,
	"parameter_count" bigint NOT NULL,
	"weights_read_per_token_bytes" bigint NOT NULL,
	"kv_bytes_per_token" bigint,
	"file_bytes" bigint,
	"moe" boolean DEFAULT false NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
