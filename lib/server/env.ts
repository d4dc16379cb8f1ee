/**
 * Server configuration, validated once (zod) so a bad setting fails at start with a clear
 * message instead of misbehaving later. Imported by next.config.ts.
 */
import { z } from "zod";

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  TOKENWATT_DATA_DIR: z.string().min(1).default(".tokenwatt"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Ingest requests per minute per token, and the burst allowed above that rate. */
  TOKENWATT_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).default(600),
  TOKENWATT_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(120),
  /** "1": a public server; the results page lists published results only. */
  TOKENWATT_PUBLIC: z.enum(["0", "1"]).default("0"),
  /** Server processes; default 1 on the embedded database, one per core with DATABASE_URL. */
  /** Extra directories (separated by ":") whose GGUF files the browser runner may load. */
  TOKENWATT_MODELS_DIR: z.string().default(""),
  /** Where the browser runner finds web-llm artifacts; default: this server's /api/v1/browser/webllm. */
  TOKENWATT_WEBLLM_BASE_URL: z.union([z.url(), z.literal("")]).default(""),
  TOKENWATT_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  /** Seconds without a heartbeat after which an agent is offline and its running job is failed. */
  TOKENWATT_AGENT_TIMEOUT_S: z.coerce.number().int().min(5).max(86_400).default(60),
});

export type Env = z.infer<typeof envSchema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const r = envSchema.safeParse(source);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid Tokenwatt configuration:\n${lines.join("\n")}`);
  }
  return r.data;
}

/** Largest accepted submission body (bytes). */
export const MAX_BODY_BYTES = 1_000_000;
