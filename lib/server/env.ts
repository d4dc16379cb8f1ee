/**
 * Server configuration, validated once (zod) so a bad setting fails at start with a clear
 * message instead of misbehaving later: `serverEnv()` parses process.env on first use and every
 * server module reads its settings from it (next.config.ts calls it at start). The only place
 * under lib/server that reads process.env.
 */
import net from "node:net";
import path from "node:path";
import { z } from "zod";
import { resolveDataDir } from "../core/data-dir";

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /**
   * A read replica of DATABASE_URL (streaming replication, or the provider's read endpoint) that a
   * public server's anonymous pages and public API read from; everything that writes, and the
   * owner's dashboard, stays on DATABASE_URL.
   */
  DATABASE_REPLICA_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** The data folder; read it through serverDataDir() (lib/core/data-dir.ts: the rule both sides share). */
  TOKENWATT_DATA_DIR: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Ingest requests per minute per token, and the burst allowed above that rate. */
  TOKENWATT_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).default(600),
  TOKENWATT_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(120),
  /** CPU time a token's submissions may take, ms a minute (half a core by default), and the process's (1.5 cores). */
  TOKENWATT_CPU_MS_PER_MIN_PER_TOKEN: z.coerce.number().int().min(1).default(30_000),
  TOKENWATT_CPU_MS_PER_MIN: z.coerce.number().int().min(1).default(90_000),
  /**
   * The parse budget (lib/server/http/parse-budget.ts): MB of request bodies a minute per client
   * (credential, else address) and for the whole process. Bursts are 1/8 and 1/16 of a minute's worth.
   */
  TOKENWATT_PARSE_BUDGET_MB_PER_MIN: z.coerce.number().min(1).default(256),
  TOKENWATT_PARSE_BUDGET_GLOBAL_MB_PER_MIN: z.coerce.number().min(1).default(2048),
  /** "1": listen on every interface (phones on the LAN); default: loopback only. Pages still need the owner's login. */
  TOKENWATT_LAN: z.enum(["0", "1"]).default("0"),
  /** Extra host names (comma-separated) the server answers to, e.g. a reverse proxy's name; others get 421. */
  TOKENWATT_HOSTS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[a-z0-9.:-]{1,253}$/, "a host name or address"))),
  /** "1": a public server; the results page lists published results only. */
  TOKENWATT_PUBLIC: z.enum(["0", "1"]).default("0"),
  /**
   * The address visitors reach this server at (https://bench.example.org), for the absolute links
   * in shared pages' previews (og:url, og:image) and the badge snippets; unset: the request's Host.
   */
  TOKENWATT_PUBLIC_URL: z
    .union([z.url({ protocol: /^https?$/ }).refine((u) => URL.canParse(u) && new URL(u).pathname === "/" && !new URL(u).search, "an origin, like https://bench.example.org (no path)"), z.literal("")])
    .default(""),
  /** Reverse proxies of this deployment, comma-separated IPs: only their X-Forwarded-For is believed. */
  TOKENWATT_TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((x) => x.trim()).filter(Boolean))
    .refine((xs) => xs.every((x) => net.isIP(x.replace(/^\[|\]$/g, "")) !== 0), "TOKENWATT_TRUSTED_PROXIES: comma-separated IP addresses"),
  /** Extra directories (separated by ":") whose GGUF files the browser runner may load. */
  TOKENWATT_MODELS_DIR: z.string().default(""),
  /** Where the browser runner finds web-llm artifacts; default: this server's /api/v1/browser/webllm. */
  TOKENWATT_WEBLLM_BASE_URL: z.union([z.url(), z.literal("")]).default(""),
  /** Server processes; default 1 on the embedded database, one per core with DATABASE_URL. */
  TOKENWATT_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  /** Seconds without a heartbeat after which an agent is offline and its running job is failed. */
  TOKENWATT_AGENT_TIMEOUT_S: z.coerce.number().int().min(5).max(86_400).default(60),
  /** A public server's page cache (lib/server/http/page-cache.ts), MB per process; 0 renders every request. */
  TOKENWATT_PAGE_CACHE_MB: z.coerce.number().min(0).max(65_536).default(64),
  /** Seconds a CDN may serve a public page without asking the server again (s-maxage); 0: it asks every time (ETag, 304). */
  TOKENWATT_CDN_MAX_AGE_S: z.coerce.number().int().min(0).max(86_400).default(0),
});

export type Env = z.infer<typeof envSchema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const r = envSchema
    .refine((e) => !e.DATABASE_REPLICA_URL || e.DATABASE_URL, { path: ["DATABASE_REPLICA_URL"], message: "needs DATABASE_URL (the primary it replicates)" })
    .safeParse(source);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid Tokenwatt configuration:\n${lines.join("\n")}`);
  }
  return r.data;
}

let cached: Env | null = null;

/** The server's configuration, parsed once per process. */
export function serverEnv(): Env {
  return (cached ??= loadEnv());
}

/**
 * The data directory (embedded database, models, web-llm artifacts, owner credential), absolute, by
 * the rule the device side shares (lib/core/data-dir.ts). The project root is the working directory:
 * the server runs there (`npm start` changes to it, `next dev` starts there), and inside Next's
 * bundle this module cannot find the project from its own file as runners/env.ts does.
 */
export function serverDataDir(): string {
  return resolveDataDir(serverEnv().TOKENWATT_DATA_DIR, process.cwd(), (...p) => path.resolve(/* turbopackIgnore: true */ ...p));
}

/** Largest accepted request bodies, bytes. */
export const BODY_LIMITS = {
  submissionBytes: 1_000_000,
  agentBytes: 200_000,
  publishBytes: 1_000_000,
  scenarioBytes: 100_000,
  pairingBytes: 10_000,
  adminBytes: 10_000,
} as const;

/** Tests that change process.env between cases call this; a server never does. */
export function resetServerEnvForTests(): void {
  cached = null;
}
