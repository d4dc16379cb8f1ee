/**
 * Postgres schema (drizzle). One place; migrations are generated from it by drizzle-kit into
 * drizzle/ and applied at start on PGlite and on PostgreSQL alike.
 *
 * Workload results carry denormalized device/model/engine ids and backend so that leaderboard
 * queries filter and group on one indexed table.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const big = (name: string) => bigint(name, { mode: "number" });

export const devices = pgTable("devices", {
  id: serial("id").primaryKey(),
  /** sha256 of the identifying fields: the same hardware and OS maps to one row. */
  fingerprint: text("fingerprint").notNull().unique(),
  vendor: text("vendor").notNull(),
  model: text("model").notNull(),
  deviceClass: text("device_class").notNull(),
  osPlatform: text("os_platform").notNull(),
  osRelease: text("os_release").notNull(),
  osDistro: text("os_distro"),
  cpuVendor: text("cpu_vendor"),
  cpuModel: text("cpu_model").notNull(),
  cpuCores: integer("cpu_cores").notNull(),
  cpuThreads: integer("cpu_threads").notNull(),
  /** Null when the runner cannot know it (a browser: navigator.deviceMemory is rounded and capped). */
  ramBytes: big("ram_bytes"),
  gpus: jsonb("gpus").notNull(),
  published: boolean("published").notNull().default(false),
  /** The owner's name for the device (--device-name, or renamed on its page); null: vendor and model. */
  displayName: text("display_name"),
  /** The contributor whose token first registered the device: only they (or an admin) rename or hide it. */
  contributorId: integer("contributor_id").references(() => contributors.id),
  createdAt: createdAt(),
});

export const models = pgTable("models", {
  id: serial("id").primaryKey(),
  /** name|quantization|fileBytes|sha256|weights */
  key: text("key").notNull().unique(),
  name: text("name").notNull(),
  family: text("family"),
  parameterCount: big("parameter_count"),
  quantization: text("quantization").notNull(),
  fileBytes: big("file_bytes").notNull(),
  sha256: text("sha256"),
  weights: text("weights").notNull(),
  createdAt: createdAt(),
});

export const engines = pgTable("engines", {
  id: serial("id").primaryKey(),
  /** name|version|build */
  key: text("key").notNull().unique(),
  name: text("name").notNull(),
  version: text("version").notNull(),
  build: text("build"),
  createdAt: createdAt(),
});

/**
 * The people who contribute runs to a public server (drizzle/0026): each runner token belongs to
 * one, and a device to the contributor whose token first registered it (issue 30).
 */
export const contributors = pgTable("contributors", {
  id: serial("id").primaryKey(),
  name: text("name").notNull().unique(),
  /** Their plausible runs publish themselves (the review queue's optional rule); the others wait for a reviewer. */
  trusted: boolean("trusted").notNull().default(false),
  createdAt: createdAt(),
});

export const runnerTokens = pgTable("runner_tokens", {
  id: serial("id").primaryKey(),
  /** The contributor this token belongs to (null: the owner's or an admin's own tokens). */
  contributorId: integer("contributor_id").references(() => contributors.id),
  name: text("name").notNull().unique(),
  /** sha256 hex of the token; the token itself is shown once and never stored. */
  tokenHash: text("token_hash").notNull().unique(),
  /** `runner` submits results; `admin` also publishes; `agent` is bound to one agent (see agents). */
  role: text("role").notNull().default("runner"),
  createdAt: createdAt(),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
});

/**
 * Browser sessions of a public server's token holders (issue 30): an admin signs in to review and
 * publish, a contributor to read their runs' review. The id is random, kept as its sha256; a session
 * ends at sign-out, when its token is revoked, after 12 h unused or 7 days after sign-in.
 */
export const tokenSessions = pgTable("token_sessions", {
  idHash: text("id_hash").primaryKey(),
  tokenId: integer("token_id")
    .notNull()
    .references(() => runnerTokens.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
});

export const submissions = pgTable(
  "submissions",
  {
    id: uuid("id").primaryKey(),
    schemaVersion: integer("schema_version").notNull(),
    suiteVersion: text("suite_version").notNull(),
    tokenId: integer("token_id").references(() => runnerTokens.id),
    deviceId: integer("device_id").notNull().references(() => devices.id),
    modelId: integer("model_id").notNull().references(() => models.id),
    engineId: integer("engine_id").notNull().references(() => engines.id),
    backend: text("backend").notNull(),
    runnerName: text("runner_name").notNull(),
    runnerVersion: text("runner_version").notNull(),
    runnerCommit: text("runner_commit"),
    options: jsonb("options").notNull(),
    /** Provenance of the device at run time (battery, flags, bandwidth), as submitted. */
    deviceSnapshot: jsonb("device_snapshot").notNull(),
    memoryBandwidthGBps: real("memory_bandwidth_gbps"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    plausible: boolean("plausible").notNull(),
    flags: jsonb("flags").notNull().default(sql`'[]'::jsonb`),
    published: boolean("published").notNull().default(false),
    /** A browser run's WebGPU adapter and where the model went (contract `webgpu`). */
    webgpu: jsonb("webgpu"),
    /** The correctness fingerprint (lib/core/measure/fingerprint.ts): greedy ids of a fixed prompt. */
    fingerprintVersion: text("fingerprint_version"),
    fingerprintPromptTokens: integer("fingerprint_prompt_tokens"),
    fingerprintTokens: integer("fingerprint_tokens").array(),
    fingerprintHash: text("fingerprint_hash"),
    /** Per generated position, the engine's top candidates with log-probabilities (contract fingerprint.topK); null: the engine reports none. */
    fingerprintTopK: jsonb("fingerprint_top_k"),
    /** "reference": llama.cpp on the CPU, what other runs of the file are compared with; else "candidate". */
    fingerprintRole: text("fingerprint_role"),
    /** Set by tokenwatt_check_output: reference, match, diverges, differs, unchecked (null: no fingerprint). */
    outputStatus: text("output_status"),
    outputReference: uuid("output_reference"),
    outputAgreement: real("output_agreement"),
    outputFirstDiff: integer("output_first_diff"),
    /** The first disagreement judged by the runs' scores (lib/core/measure/fingerprint.ts TieJudgement); null: no disagreement, or no scores on either side. */
    outputTie: jsonb("output_tie"),
    /** Why an admin let a run whose output differs back onto the ranking (output_status "explained"). */
    outputExplanation: text("output_explanation"),
    /** Imported results: tool, format, the URL they were published at, which machine (contract `source`); null: measured by Tokenwatt. */
    source: jsonb("source"),
    /**
     * The review of a contributor's run (drizzle/0027): `pending` until an admin publishes it
     * (`published`) or rejects it (`rejected`, with the reason the contributor sees); null for runs
     * that need no review (the owner's, an admin's).
     */
    reviewStatus: text("review_status"),
    reviewReason: text("review_reason"),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    reviewedBy: text("reviewed_by"),
    /**
     * The model's layout as the submission stated it (the contract's model.weightsReadPerTokenBytes and
     * kvBytesPerToken; drizzle/0035): kept so the run's download gives back what was sent and a claim
     * can be audited later. Ingest judges them (lib/core/measure/model-catalog.ts judgeLayout): where
     * the server knows the model's layout its own is used, elsewhere these held to what a file can be.
     */
    modelWeightsReadPerTokenBytes: big("model_weights_read_per_token_bytes"),
    modelKvBytesPerToken: integer("model_kv_bytes_per_token"),
  },
  (t) => [
    index("submissions_device_idx").on(t.deviceId),
    index("submissions_output_ref_idx").on(t.modelId, t.fingerprintVersion).where(sql`fingerprint_role = 'reference'`),
    index("submissions_model_idx").on(t.modelId),
    index("submissions_received_idx").on(t.receivedAt),
    // Imported runs (llama-bench tables with their source) of a device, model and engine: the home chart's
    // bars look up whether each is imported (a partial index: measured runs have no source, so it stays small).
    index("submissions_source_idx").on(t.deviceId, t.modelId, t.engineId).where(sql`source is not null`),
  ],
);

/**
 * Partitioned by month of created_at (the time the server stored the result), declaratively
 * (drizzle/0021: PARTITION BY RANGE; drizzle-kit does not model partitions, so the table is
 * declared here as drizzle sees it). Partitions are created ahead by `tokenwatt_result_partitions`
 * (lib/server/db/partitions.ts). The id stays unique (one sequence); the key is (id, created_at).
 */
export const workloadResults = pgTable(
  "workload_results",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    submissionId: uuid("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    deviceId: integer("device_id").notNull(),
    modelId: integer("model_id").notNull(),
    engineId: integer("engine_id").notNull(),
    backend: text("backend").notNull(),
    workloadId: text("workload_id").notNull(),
    nPrompt: integer("n_prompt").notNull(),
    nGen: integer("n_gen").notNull(),
    nDepth: integer("n_depth").notNull(),
    /** Parallel sequences of a batched workload (`tg128@b8`: 8); 1 otherwise. */
    nBatch: integer("n_batch").notNull().default(1),
    status: text("status").notNull(),
    error: text("error"),
    samplesNs: big("samples_ns").array().notNull(),
    samplesPromptTokens: integer("samples_prompt_tokens").array().notNull(),
    samplesGenTokens: integer("samples_gen_tokens").array().notNull(),
    /** Per repetition: time to the first generated token, mean over the sequences (ns); null where none was timed. */
    samplesFirstTokenNs: bigint("samples_first_token_ns", { mode: "number" }).array(),
    /** Each repetition's energy in the workload's energy scope, J (null elements: not measured). */
    samplesEnergyJ: doublePrecision("samples_energy_j").array(),
    /**
     * Derived on ingest from the samples, never taken from the client; except the deviations of an
     * imported summary (contract `aggregate`: one mean repetition), which are the ones llama-bench printed.
     */
    avgNs: doublePrecision("avg_ns"),
    stddevNs: doublePrecision("stddev_ns"),
    avgTokensPerSec: doublePrecision("avg_ts"),
    stddevTokensPerSec: doublePrecision("stddev_ts"),
    /**
     * The figure every page shows (drizzle/0024): the median over repetitions of each repetition's
     * time and tokens/s, the interquartile range of tokens/s (null under 2 repetitions: no spread to
     * tell), and the median time to the first token. Derived on ingest from the samples.
     */
    medianNs: doublePrecision("median_ns"),
    medianTokensPerSec: doublePrecision("median_ts"),
    p25TokensPerSec: doublePrecision("p25_ts"),
    p75TokensPerSec: doublePrecision("p75_ts"),
    p25Ns: doublePrecision("p25_ns"),
    p75Ns: doublePrecision("p75_ns"),
    medianFirstTokenNs: doublePrecision("median_first_token_ns"),
    peakRssBytes: big("peak_rss_bytes"),
    /** The measuring process before the model was loaded; the KV cache the workload fills; the rest of a CPU run's peak. */
    baselineRssBytes: big("baseline_rss_bytes"),
    kvUsedBytes: big("kv_used_bytes"),
    otherBytes: big("other_bytes"),
    modelBytes: big("model_bytes"),
    kvBytes: big("kv_bytes"),
    vramBytes: big("vram_bytes"),
    prefillJPerToken: doublePrecision("prefill_j_per_token"),
    prefillJPerTokenAboveIdle: doublePrecision("prefill_j_per_token_above_idle"),
    decodeJPerToken: doublePrecision("decode_j_per_token"),
    decodeJPerTokenAboveIdle: doublePrecision("decode_j_per_token_above_idle"),
    /** J/token of the whole workload (any phase), and above idle (may be negative: noise). */
    jPerToken: doublePrecision("j_per_token"),
    jPerTokenAboveIdle: doublePrecision("j_per_token_above_idle"),
    /** What the J/token figures cover (`wall`, `battery`, `package+dram+gpu`...), their tier and sensors. */
    energyScope: text("energy_scope"),
    energyTier: text("energy_tier"),
    energySensors: text("energy_sensors").array(),
    /** Where the energy is modelled: the range [low, high] of j_per_token (lib/core/measure/modelled.ts). */
    jPerTokenRange: doublePrecision("j_per_token_range").array(),
    /** Decode only: tokens/s x bytes read per token over the bandwidth of the memory holding the weights (null: no such figure, or cache-resident). */
    rooflineEfficiency: doublePrecision("roofline_efficiency"),
    rooflineBytesPerToken: doublePrecision("roofline_bytes_per_token"),
    /** The temperatures and battery level the timed part started at ({cpuC, gpuC, batteryPct, sources}); start_cpu_c copies the CPU's for filters. */
    thermalStart: jsonb("thermal_start"),
    startCpuC: doublePrecision("start_cpu_c"),
    /** The machine's CPU time while the timed repetitions ran, as the runner sent it (the contract's `load`: own, other, steal, wall, logical CPUs); the busy check reads it at ingest (drizzle/0033). */
    load: jsonb("load"),
    /**
     * The prefill and decode energies' own scope, sensors, tier and range ({prefill?, decode?}, each
     * the contract's energyPerToken without its figures) where they are not the workload's own
     * (energy_scope, energy_sensors, energy_tier, no range); null when both phases are (drizzle/0035).
     * Their J/token figures are the prefill_ and decode_ columns above.
     */
    phaseEnergy: jsonb("phase_energy"),
    /** `sustained` only: per-interval temperatures ({intervalS, cpuC[], gpuC[], batteryPct[]}) and the summary derived on ingest (lib/core/measure/sustained.ts). */
    sustained: jsonb("sustained"),
    peakTs: doublePrecision("peak_ts"),
    steadyTs: doublePrecision("steady_ts"),
    throttleRatio: doublePrecision("throttle_ratio"),
    timeToThrottleS: doublePrecision("time_to_throttle_s"),
    plausible: boolean("plausible").notNull(),
    published: boolean("published").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: "workload_results_pkey", columns: [t.id, t.createdAt] }),
    index("wr_submission_idx").on(t.submissionId),
    index("wr_board_idx").on(t.workloadId, t.modelId, t.deviceId, t.engineId, t.backend),
    // A group's results (device, model, backend, engine: the leaderboard's maintained tables make a
    // group again from them, lib/server/db/views.ts) and a device's (its leading column), in one probe
    // per partition (drizzle/0032; it replaced wr_device_idx on device and workload).
    index("wr_group_idx").on(t.deviceId, t.modelId, t.backend, t.engineId),
    index("wr_public_idx").on(t.workloadId, t.modelId).where(sql`${t.published} and ${t.plausible}`),
  ],
);

/**
 * A run's power readings and traces, as submitted (drizzle/0030): one row per submission, read only
 * by the run's page. Until 0030 they were rows of their own (power_readings: one per sensor and
 * workload; power_traces: one per sensor and workload), 21 of the 32 rows a 10-workload submission
 * wrote, each with its indexes and foreign-key checks (docs/scale.md, "Ingest").
 *
 * `readings`: `[{ kind: "idle" | "idle-after" | "workload", workloadId (null for idle), method,
 * scope, sensor, durationNs, energyJ, avgPowerW, idlePowerW, tier, flags, rangeJ }]` (the contract's
 * PowerReading, lib/core/contracts/submission.ts, with where it was taken). `traces`: `[{ workloadId,
 * sensor, scope, tMs, powerW }]` (the contract's power trace of that workload). A workload is named
 * by its workload id, unique in a submission. A run with neither has no row.
 */
export const submissionPower = pgTable("submission_power", {
  submissionId: uuid("submission_id")
    .primaryKey()
    .references(() => submissions.id, { onDelete: "cascade" }),
  readings: jsonb("readings").notNull(),
  traces: jsonb("traces").notNull(),
});

export const tcoScenarios = pgTable(
  "tco_scenarios",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    inputs: jsonb("inputs").notNull(),
    modelVersion: text("model_version").notNull(),
    createdAt: createdAt(),
  },
  // The last hour's saves, counted at every save (lib/server/store/scenarios.ts, SCENARIOS_PER_HOUR).
  (t) => [index("tco_scenarios_created_idx").on(t.createdAt)],
);

/**
 * Pairing codes let a browser (a phone on the LAN) upload one submission without a long-lived
 * secret: the dashboard shows a short code and its QR code; the code expires after a few minutes
 * and is consumed by the first successful upload. Only the sha256 of the code is stored.
 */
export const pairingCodes = pgTable("pairing_codes", {
  id: serial("id").primaryKey(),
  codeHash: text("code_hash").notNull().unique(),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
  /** The submission the code delivered; null until used. */
  submissionId: uuid("submission_id").references(() => submissions.id, { onDelete: "set null" }),
});

/**
 * Fleet agents (`tokenwatt agent`): one row per agent token. An agent token is bound to the agent
 * it registered (token_id unique) and so to one device (fingerprint, as lib/server/store/ingest.ts computes
 * it): ingest refuses that token's submissions for any other device. `queue` is the agent's own
 * (historical) name of its pg-boss queue, unused since jobs are claimed from agent_jobs by agent id.
 */
export const agents = pgTable("agents", {
  id: serial("id").primaryKey(),
  tokenId: integer("token_id")
    .notNull()
    .unique()
    .references(() => runnerTokens.id),
  name: text("name").notNull(),
  deviceFingerprint: text("device_fingerprint").notNull(),
  deviceClass: text("device_class").notNull(),
  /** The device as the agent probed it at registration (lib/core/contracts Device). */
  device: jsonb("device").notNull(),
  version: text("version").notNull(),
  /** The agent's former pg-boss queue name (jobs moved to agent_jobs, claimed by agent id). */
  queue: text("queue")
    .notNull()
    .generatedAlwaysAs(sql`'tw-agent-' || "id"::text`),
  /** `idle` | `busy` | `stopped` (said goodbye). Online = not stopped and seen within the timeout. */
  status: text("status").notNull().default("idle"),
  currentJobId: uuid("current_job_id"),
  registeredAt: timestamp("registered_at", { withTimezone: true }).notNull().defaultNow(),
  // Not indexed on purpose: every heartbeat updates it, and an unindexed column keeps those
  // updates HOT (no index writes).
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One request to measure a suite on a set of agents: fanned out to one job per matching agent. */
export const agentBatches = pgTable("agent_batches", {
  id: uuid("id").primaryKey(),
  /** `{ kind: "agent", agentId } | { kind: "class", deviceClass } | { kind: "all" }` */
  target: jsonb("target").notNull(),
  /** The job request (lib/core/contracts/agents.ts JobRequest). */
  request: jsonb("request").notNull(),
  jobCount: integer("job_count").notNull(),
  createdAt: createdAt(),
});

/**
 * The agents' jobs, queue and record at once: an agent claims its own queued jobs (SKIP LOCKED,
 * lib/server/fleet/jobs.ts); kept after they end, and indexed for the dashboard.
 * `state`: queued | running | completed | failed | abandoned.
 */
export const agentJobs = pgTable(
  "agent_jobs",
  {
    id: uuid("id").primaryKey(),
    batchId: uuid("batch_id")
      .notNull()
      .references(() => agentBatches.id),
    agentId: integer("agent_id")
      .notNull()
      .references(() => agents.id),
    request: jsonb("request").notNull(),
    state: text("state").notNull().default("queued"),
    /** Last progress the agent reported (workload, repetitions done), see lib/core/contracts/agents.ts. */
    progress: jsonb("progress"),
    error: text("error"),
    /** The one stored result of this job; unique, so a submission completes at most one job. */
    submissionId: uuid("submission_id")
      .unique()
      .references(() => submissions.id, { onDelete: "set null" }),
    queuedAt: timestamp("queued_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    // A batch runs at most once per agent.
    uniqueIndex("agent_jobs_batch_agent_idx").on(t.batchId, t.agentId),
    index("agent_jobs_agent_state_idx").on(t.agentId, t.state),
    index("agent_jobs_state_idx").on(t.state, t.queuedAt),
  ],
);

/**
 * Rate-limit token buckets shared by every server process (lib/server/http/rate-limit.ts). Unlogged
 * (drizzle/0019): not replicated or kept across a crash, which only refills them.
 */
export const rateBuckets = pgTable("rate_buckets", {
  key: text("key").primaryKey(),
  tokens: doublePrecision("tokens").notNull(),
  at: timestamp("at", { withTimezone: true }).notNull(),
  /** Whether the last take was allowed (read back by the statement that took). */
  ok: boolean("ok").notNull(),
  /**
   * How many the last take granted (read back by the statement that took): takes of one key that
   * arrive together go in one statement asking for several (rate-limit.ts), and the first `granted`
   * of them are allowed.
   */
  granted: integer("granted").notNull().default(0),
});

/**
 * One row: the version of everything anonymous visitors see (published runs, devices, the
 * leaderboard views). Bumped after every leaderboard refresh (publish, hide) and by triggers when a
 * published device or run changes (drizzle/0020); the public page cache (lib/server/http/page-cache.ts)
 * keys rendered pages on it, so a change from any process or host reaches every process's cache.
 */
export const publicVersion = pgTable("public_version", {
  id: integer("id").primaryKey().default(1),
  version: bigint("version", { mode: "number" }).notNull().default(1),
  changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The server's model catalog: the layout it trusts for a model file (by sha256), set by the owner,
 * an admin, or a trusted run, never by the submission being judged (lib/core/measure/model-catalog.ts).
 */
export const modelLayouts = pgTable("model_layouts", {
  sha256: text("sha256").primaryKey(),
  parameterCount: big("parameter_count").notNull(),
  weightsReadPerTokenBytes: big("weights_read_per_token_bytes").notNull(),
  kvBytesPerToken: big("kv_bytes_per_token"),
  fileBytes: big("file_bytes"),
  moe: boolean("moe").notNull().default(false),
  /** owner | admin | trusted-run */
  source: text("source").notNull(),
  createdAt: createdAt(),
});

/**
 * Database objects kept as code and re-applied at every open when their source changes: the
 * leaderboard views (lib/server/db/views.ts) under name "views", with the sha256 of their SQL.
 */
export const schemaObjects = pgTable("schema_objects", {
  name: text("name").primaryKey(),
  hash: text("hash").notNull(),
  appliedAt: timestamp("applied_at", { withTimezone: true }).notNull().defaultNow(),
});
