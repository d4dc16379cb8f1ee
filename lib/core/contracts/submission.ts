/**
 * The result contract: one submission = one benchmark session of one model on one device with
 * one engine and backend. Shared by runners (native and browser), the ingest API and the
 * database layer. Pure zod: no Node or database imports, so the browser runner can use it.
 *
 * Units are in the names: `...Ns` nanoseconds, `...Bytes` bytes, `...W` watts, `...J` joules.
 */
import { z } from "zod";
import "./zod-browser";
import { safeString } from "./text";
import { MAX_BATCH, parseWorkloadId } from "./workloads";

export const SCHEMA_VERSION = 1 as const;

/** Upper bounds that no real device reaches: values beyond them are input errors. */
const MAX_BYTES = 2 ** 50; // 1 PiB
const MAX_DURATION_NS = 24 * 3600 * 1e9; // one day for one repetition
const MAX_TOKENS = 10_000_000;
const MAX_POWER_W = 100_000; // a rack, not a phone
const MAX_ENERGY_J = 1e9;
/** Points kept per power trace; a runner keeps the first ones of a longer trace. */
export const MAX_TRACE_POINTS = 20_000;

const text = (max = 200) => safeString(max, { min: 1 });
/** Optional text; over 500 characters (error messages) it may span lines. */
const optText = (max = 200) => safeString(max, { multiline: max > 500 }).nullable().default(null);
const count = (max: number) => z.int().min(0).max(max);
const positiveCount = (max: number) => z.int().min(1).max(max);
const bytes = z.int().min(0).max(MAX_BYTES);
const nullableBytes = bytes.nullable().default(null);
const watts = z.number().min(0).max(MAX_POWER_W);
/**
 * A value stored in a 4-byte float column (power traces): below float32's smallest normal value it is
 * 0 at that precision (Postgres refuses the underflow rather than round it).
 */
const float32 = (v: number) => (Math.abs(v) < 1.2e-38 ? 0 : v);
/**
 * A long array of finite numbers in [min, max] (power traces: up to 20,000 points), checked in one
 * loop: zod's per-element schema costs ~1 µs a point, which made a 1 MB body cost the server's
 * thread 0.1-0.2 s. The issue names the first bad point's index, as the per-element schema did.
 */
function numberArray(min: number, max: number, maxLength: number) {
  return z.array(z.unknown()).max(maxLength).transform((a, ctx) => {
    const out = new Array<number>(a.length);
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
        ctx.addIssue({ code: "custom", path: [i], message: `expected a number from ${min} to ${max}` });
        return z.NEVER;
      }
      out[i] = float32(v);
    }
    return out;
  });
}
const joules = z.number().min(0).max(MAX_ENERGY_J);
/** Energy above an idle baseline: negative when the baseline drifted above the run (noise, reported as such). */
const joulesAboveIdle = z.number().min(-MAX_ENERGY_J).max(MAX_ENERGY_J);

/**
 * Where a run's weights were computed. The first six are what Tokenwatt's runners use; the rest are
 * llama.cpp backends that imported llama-bench results name (HIP/ROCm, SYCL, OpenCL, MUSA, CANN,
 * Kompute, Hexagon, OpenVINO, zDNN), and `rpc`: layers spread over llama.cpp RPC servers, so more
 * than the one machine the submission names. Each is kept apart: a GPU result never pools with CPU.
 */
export const BACKENDS = ["cpu", "cuda", "metal", "vulkan", "webgpu", "wasm", "rocm", "sycl", "opencl", "musa", "cann", "kompute", "hexagon", "openvino", "zdnn", "rpc"] as const;
/** The backends the native runner can run (node-llama-cpp's builds). */
export const NATIVE_BACKENDS = ["cpu", "cuda", "metal", "vulkan"] as const satisfies readonly (typeof BACKENDS)[number][];
export const backendSchema = z.enum(BACKENDS);
export type Backend = z.infer<typeof backendSchema>;

export const ENGINES = ["node-llama-cpp", "llama.cpp", "web-llm", "wllama"] as const;
export const MEASUREMENT_METHODS = ["counter", "sampled", "estimated", "unavailable"] as const;
/**
 * What a power reading covers: the CPU package, its DRAM, a GPU board, a whole SoC, what a laptop
 * battery delivers (the device without its charger), or the wall socket (device and power supply).
 */
export const POWER_SCOPES = ["package", "dram", "gpu", "soc", "battery", "wall"] as const;
export type PowerScope = (typeof POWER_SCOPES)[number];
/**
 * How trustworthy an energy figure is, best first: an external meter; an on-chip energy counter
 * (RAPL, NVML total energy); sampled on-chip power integrated; a battery's discharge; a model
 * (no sensor: an estimate, never ranked with measurements).
 */
export const ENERGY_TIERS = ["external", "counter", "sampled", "battery", "modelled"] as const;
export type EnergyTier = (typeof ENERGY_TIERS)[number];
/**
 * Flags on a reading: a repetition shorter than a few sensor periods (interpolated, not resolved);
 * a gap of several periods in the meter's reads around a repetition (it stalled).
 */
export const READING_FLAGS = ["short_window", "gap"] as const;
/** A J/token's scope: one scope, or the non-overlapping parts it sums (package+dram+gpu). */
export const ENERGY_SCOPE_PATTERN = /^(wall|battery|soc|package|dram|gpu)(\+(package|dram|gpu))*$/;
export const DEVICE_CLASSES = ["phone", "tablet", "laptop", "desktop", "server", "sbc", "unknown"] as const;

export const gpuSchema = z.object({
  vendor: text(),
  model: text(),
  vramBytes: nullableBytes,
  driver: optText(),
});

export const deviceSchema = z.object({
  vendor: text(),
  model: text(),
  /** The owner's name for the device ("Ana's Pixel 8"), shown instead of vendor and model; not part of its identity. */
  name: optText(100),
  deviceClass: z.enum(DEVICE_CLASSES).default("unknown"),
  os: z.object({ platform: text(50), release: text(100), distro: optText() }),
  cpu: z.object({
    vendor: optText(),
    model: text(),
    cores: positiveCount(4096),
    threads: positiveCount(8192),
    flags: z.array(safeString(40)).max(400).default([]),
    /** Last-level cache, bytes: a model whose weights fit in a few of these decodes from cache (no roofline %). */
    llcBytes: z.int().min(1).max(MAX_BYTES).nullable().default(null),
  }),
  /**
   * Memory modules (DDR DIMM or SO-DIMM, 64 bits each) and their transfer rate in MT/s, where the OS
   * reports them: the host memory's peak is at most modules x MT/s x 8 B (channels <= modules).
   * Null where unknown (soldered LPDDR, VMs, browsers).
   */
  memoryModules: z.object({ count: positiveCount(256), mtps: z.number().gt(0).max(20_000) }).nullable().default(null),
  /** Installed memory; null where the runner cannot know it (browsers expose at most a rounded, capped hint). */
  ramBytes: z.int().min(1).max(MAX_BYTES).nullable(),
  gpus: z.array(gpuSchema).max(16).default([]),
  /** The backend this submission's measurements used. */
  backend: backendSchema,
  /** Backends that load on this device (probed by the runner). */
  availableBackends: z.array(backendSchema).max(BACKENDS.length).default([]),
  battery: z
    .object({ present: z.boolean(), acConnected: z.boolean().nullable().default(null) })
    .nullable()
    .default(null),
  /** Measured host memory bandwidth, GB/s = 1e9 bytes/s: the roofline's ceiling for CPU decode. */
  memoryBandwidthGBps: z.number().min(0.001).max(100_000).nullable().default(null),
  /**
   * How memoryBandwidthGBps was measured: `read-native` (the C library's memcmp over two equal
   * buffers, bytes read per second), `read-stream` (a WebAssembly read-only SIMD stream) or `copy` (a buffer copy counting each byte once: about half the read bandwidth). Null
   * in results from before methods were recorded, which were copies.
   */
  memoryBandwidthMethod: z.enum(["read-native", "read-stream", "copy"]).nullable().default(null),
  /**
   * The bandwidth of the GPU's memory, which holds the weights on a GPU backend: `measured` with the
   * backend, or the vendor's figure, `reported` with its source. Null: no roofline on a GPU backend.
   */
  deviceMemoryBandwidth: z
    .object({ gbps: z.number().gt(0).max(100_000), source: z.enum(["measured", "reported"]), note: optText(300) })
    .nullable()
    .default(null),
});

export const engineSchema = z.object({
  name: z.enum(ENGINES),
  version: text(100),
  /** Build identifier: llama.cpp commit, "prebuilt" or "localBuild", web-llm model lib. */
  build: optText(),
});

export const modelSchema = z.object({
  name: text(),
  family: optText(100),
  parameterCount: z.int().min(1).max(1e13).nullable().default(null),
  quantization: text(40),
  fileBytes: z.int().min(1).max(MAX_BYTES),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits")
    .nullable()
    .default(null),
  /** `synthetic`: random weights of the named model's exact shape (speed and memory only). */
  weights: z.enum(["real", "synthetic"]),
  source: optText(500),
  /**
   * Bytes of the tensors read to generate one token: every matrix and norm, except an untied input
   * embedding of which one row is read (from the GGUF tensor list). Null where the layout is unknown.
   */
  weightsReadPerTokenBytes: z.int().min(1).max(MAX_BYTES).nullable().default(null),
  /** KV-cache bytes per token of context at f16 (2 x layers x KV heads x head size x 2 bytes). */
  kvBytesPerToken: z.int().min(1).max(1 << 30).nullable().default(null),
});

export const optionsSchema = z.object({
  threads: positiveCount(4096).nullable().default(null),
  /** Layers offloaded to the GPU; "all" where the engine offloads every layer (llama-bench's -1). */
  gpuLayers: z.union([count(10_000), z.literal("all")]).nullable().default(null),
  batchSize: positiveCount(1 << 20).nullable().default(null),
  ubatchSize: positiveCount(1 << 20).nullable().default(null),
  contextSize: positiveCount(1 << 24).nullable().default(null),
  repetitions: positiveCount(1000),
  /** "auto": the engine decides (llama-bench's -1). */
  flashAttention: z.union([z.boolean(), z.literal("auto")]).nullable().default(null),
  /** KV cache types (llama.cpp type_k / type_v: f16, q8_0...). */
  typeK: optText(16),
  typeV: optText(16),
  /** The model file memory-mapped (llama.cpp use_mmap). */
  useMmap: z.boolean().nullable().default(null),
});

/** One timed repetition. `durationNs` must be positive: a zero duration is a broken clock. */
export const sampleSchema = z.object({
  durationNs: z.int().min(1).max(MAX_DURATION_NS),
  promptTokens: count(MAX_TOKENS),
  genTokens: count(MAX_TOKENS),
  /** Energy of this repetition's timed interval, in the workload's energy scope; null without a meter. */
  energyJ: joules.nullable().default(null),
  /**
   * From the start of the timed part to the first generated token, averaged over the parallel
   * sequences (their time to first token in a batch); null for workloads that generate nothing.
   */
  firstTokenNs: z.int().min(1).max(MAX_DURATION_NS).nullable().default(null),
});

export const powerReadingSchema = z.object({
  method: z.enum(MEASUREMENT_METHODS),
  scope: z.enum(POWER_SCOPES),
  /** e.g. `intel-rapl:0`, `nvidia-smi:0`, `battery:BAT0`, `external:http`. */
  sensor: text(),
  /** Window length the reading covers. */
  durationNs: z.int().min(1).max(MAX_DURATION_NS * 1000),
  energyJ: joules.nullable().default(null),
  avgPowerW: watts.nullable().default(null),
  /**
   * Idle power of the same sensor over this reading's window, W: interpolated between the idle
   * readings before and after the workloads (the reading before where there is none after);
   * subtracted for "above idle".
   */
  idlePowerW: watts.nullable().default(null),
  tier: z.enum(ENERGY_TIERS).nullable().default(null),
  flags: z.array(z.enum(READING_FLAGS)).max(READING_FLAGS.length).default([]),
  /** A modelled reading's range [low, high] J (lib/core/measure/modelled.ts); null when measured. */
  rangeJ: z.tuple([joules, joules]).nullable().default(null),
});

export const energyPerTokenSchema = z.object({
  /** Energy per token in `scope`, J/token: the timed repetitions' energy over their tokens. */
  totalJ: joules.nullable().default(null),
  /** Energy above the idle baseline per token, J/token (negative: below the baseline, noise). */
  aboveIdleJ: joulesAboveIdle.nullable().default(null),
  /** What it covers, e.g. `wall`, `battery`, `package+dram+gpu`; null in results from before scopes were recorded. */
  scope: z.string().regex(ENERGY_SCOPE_PATTERN, "a power scope, or parts joined by +").nullable().default(null),
  /** The sensors it sums. */
  sensors: z.array(text()).max(16).default([]),
  /** The worst tier among those sensors. */
  tier: z.enum(ENERGY_TIERS).nullable().default(null),
  /** Where a part is modelled: the range [low, high] of `totalJ`, J/token; null when all measured. */
  rangeJ: z.tuple([joules, joules]).nullable().default(null),
});

export const powerTraceSchema = z
  .object({
    sensor: text(),
    scope: z.enum(POWER_SCOPES),
    /** Milliseconds since the start of the workload's first repetition. */
    tMs: numberArray(0, MAX_DURATION_NS / 1e6, MAX_TRACE_POINTS),
    powerW: numberArray(0, MAX_POWER_W, MAX_TRACE_POINTS),
  })
  .refine((t) => t.tMs.length === t.powerW.length, {
    message: "tMs and powerW must have the same length",
    path: ["powerW"],
  });

export const memorySchema = z.object({
  /** Peak resident memory of the measuring process. */
  peakRssBytes: nullableBytes,
  /** Model weights the engine holds. */
  modelBytes: nullableBytes,
  /** KV cache the context allocated (for its whole context size). */
  kvBytes: nullableBytes,
  /** GPU memory in use on the device the run used. */
  vramBytes: nullableBytes,
  /** The measuring process before the model was loaded: the runtime's own (Node.js, llama.cpp). */
  baselineRssBytes: nullableBytes,
  /** KV cache the workload fills: per-token KV x (depth + prompt + generated tokens). */
  kvUsedBytes: nullableBytes,
  /** The rest of the peak on a CPU run: compute buffers and allocator slack (peak - baseline - weights - KV allocated). */
  otherBytes: nullableBytes,
});

const celsius = z.number().min(-60).max(200);
const nullableSeries = (lo: number, hi: number) => z.array(z.number().min(lo).max(hi).nullable()).max(1000);

/** Temperatures and battery level when a workload's timed part started (null: no such sensor). */
export const thermalStartSchema = z.object({
  /** The hottest CPU/SoC sensor (or `--temp-command`'s figure), °C. */
  cpuC: celsius.nullable().default(null),
  /** The hottest GPU, °C. */
  gpuC: celsius.nullable().default(null),
  batteryPct: z.number().min(0).max(100).nullable().default(null),
  /** Where the figures come from, e.g. `systeminformation`, `command`, `nvidia-smi`. */
  sources: z.array(text(40)).max(8).default([]),
});

/**
 * The `sustained` workload's per-interval readings beside its samples (one interval a sample; the
 * power of an interval is its sample's energy over its duration): the mean temperature and the
 * battery level of each interval (null: no reading in it).
 */
export const sustainedSeriesSchema = z.object({
  intervalS: z.number().min(0.1).max(600),
  cpuC: nullableSeries(-60, 200),
  gpuC: nullableSeries(-60, 200),
  batteryPct: nullableSeries(0, 100),
});

const ns = z.int().min(0).max(MAX_DURATION_NS * 1000);
/**
 * The machine's CPU time while a workload's timed repetitions ran: the measuring process's own,
 * everyone else's, and the hypervisor's steal (Linux /proc/stat; null elsewhere), over the wall time
 * of the repetitions on `logicalCpus` CPUs. The server calls a run "busy" from it.
 */
export const loadSchema = z.object({
  wallNs: ns,
  ownCpuNs: ns,
  otherCpuNs: ns,
  stealNs: ns.nullable().default(null),
  logicalCpus: positiveCount(8192),
  /** `procfs` (Linux /proc/stat and /proc/self/stat) or `os` (Node's os.cpus(), no steal). */
  source: z.enum(["procfs", "os"]),
});

/**
 * A workload imported as llama-bench's summary instead of its repetitions (its -o csv and -o sql
 * print no samples; a markdown table prints "mean ± stddev" t/s). Nothing is invented: the workload
 * then holds exactly one sample, the mean repetition (its duration is llama-bench's avg_ns where
 * printed, else the tokens over the mean t/s), and this says so, with the printed figures and how
 * many repetitions they summarize (`repetitionsAssumed`: llama-bench's default 5, the count was not
 * printed).
 */
export const aggregateSchema = z.object({
  repetitions: positiveCount(1000),
  repetitionsAssumed: z.boolean(),
  /** llama-bench's avg_ts and stddev_ts (mean and sample deviation of the repetitions' t/s). */
  avgTokensPerSec: z.number().gt(0).max(1e9),
  stddevTokensPerSec: z.number().min(0).max(1e9).nullable(),
  /** llama-bench's avg_ns and stddev_ns where printed (csv, sql); null from a table. */
  avgNs: z.int().min(1).max(MAX_DURATION_NS).nullable(),
  stddevNs: z.number().min(0).max(MAX_DURATION_NS).nullable(),
});

export const workloadResultSchema = z
  .object({
    workloadId: z.string().max(40).refine((id) => parseWorkloadId(id) !== null, "unknown workload id"),
    nPrompt: count(MAX_TOKENS),
    nGen: count(MAX_TOKENS),
    nDepth: count(MAX_TOKENS),
    /** Parallel sequences decoded together (the id's `@bB`; 1 without). nPrompt, nGen and nDepth are per sequence. */
    nBatch: z.int().min(1).max(MAX_BATCH).default(1),
    /** `ok`: measured; `error`: the engine refused; `crash`: the measuring process died. */
    status: z.enum(["ok", "error", "crash"]),
    error: optText(2000),
    samples: z.array(sampleSchema).max(1000),
    memory: memorySchema.default({ peakRssBytes: null, modelBytes: null, kvBytes: null, vramBytes: null, baselineRssBytes: null, kvUsedBytes: null, otherBytes: null }),
    power: z.array(powerReadingSchema).max(16).default([]),
    /** J/token of the whole workload (any phase: pp+tg and ttft too). */
    energyPerToken: energyPerTokenSchema.nullable().default(null),
    /** The same, for workloads that only prefill (ppN) or only decode (tgN, tgN@dD); null otherwise. */
    prefillEnergyPerToken: energyPerTokenSchema.nullable().default(null),
    decodeEnergyPerToken: energyPerTokenSchema.nullable().default(null),
    powerTrace: z.array(powerTraceSchema).max(8).default([]),
    /** The thermal state the timed part started in: every workload is stamped with it. */
    thermalStart: thermalStartSchema.nullable().default(null),
    /** `sustained` only. */
    sustained: sustainedSeriesSchema.nullable().default(null),
    /** Other processes' and the hypervisor's CPU time during the timed repetitions (null: not recorded). */
    load: loadSchema.nullable().default(null),
    /** Imported figures that are already averages (llama-bench csv, sql, markdown): see aggregateSchema. */
    aggregate: aggregateSchema.nullable().default(null),
  })
  .superRefine((w, ctx) => {
    if (w.status === "ok" && w.samples.length === 0) {
      ctx.addIssue({ code: "custom", path: ["samples"], message: "an ok workload needs at least one sample" });
    }
    if (w.status !== "ok" && !w.error) {
      ctx.addIssue({ code: "custom", path: ["error"], message: "a failed workload must say why" });
    }
    const spec = parseWorkloadId(w.workloadId);
    if (spec && spec.nBatch !== w.nBatch) {
      ctx.addIssue({ code: "custom", path: ["nBatch"], message: `${w.workloadId} runs ${spec.nBatch} parallel sequence(s), not ${w.nBatch}` });
    }
    if (w.sustained) {
      if (spec?.kind !== "sustained") ctx.addIssue({ code: "custom", path: ["sustained"], message: "only a sustained workload has a sustained series" });
      for (const k of ["cpuC", "gpuC", "batteryPct"] as const) {
        if (w.sustained[k].length !== 0 && w.sustained[k].length !== w.samples.length) {
          ctx.addIssue({ code: "custom", path: ["sustained", k], message: `one value per interval (${w.samples.length}), or none` });
        }
      }
    }
    if (w.aggregate && w.samples.length !== 1) {
      ctx.addIssue({ code: "custom", path: ["aggregate"], message: "an aggregated workload holds exactly one sample, the mean repetition" });
    }
    w.samples.forEach((s, i) => {
      if (s.promptTokens + s.genTokens === 0) {
        ctx.addIssue({ code: "custom", path: ["samples", i], message: "a sample must process at least one token" });
      }
    });
  });

/** Candidates kept per generated position of the fingerprint (the runner sends 5). */
export const MAX_FINGERPRINT_TOP_K = 16;
/**
 * Natural-log probabilities are floored here: float32 probabilities underflow to 0 (ln 0 = -Infinity,
 * which JSON cannot carry) near e^-103, so a floored value means "at most this".
 */
export const MIN_LOGPROB = -200;

/**
 * The most likely next tokens at one generated position, as the engine scored them: ids and their
 * natural-log probabilities (softmax over the whole vocabulary, end-of-generation banned), most
 * likely first. The position's greedy token is among them with the highest log-probability.
 */
export const topKEntrySchema = z
  .object({
    ids: z.array(z.int().min(0).max(MAX_TOKENS)).min(1).max(MAX_FINGERPRINT_TOP_K),
    logprobs: z.array(z.number().min(MIN_LOGPROB).max(0)).min(1).max(MAX_FINGERPRINT_TOP_K),
  })
  .superRefine((e, ctx) => {
    if (e.ids.length !== e.logprobs.length) ctx.addIssue({ code: "custom", path: ["logprobs"], message: "one log-probability per id" });
    if (new Set(e.ids).size !== e.ids.length) ctx.addIssue({ code: "custom", path: ["ids"], message: "ids must be distinct" });
    for (let i = 1; i < e.logprobs.length; i++) {
      if (e.logprobs[i]! > e.logprobs[i - 1]!) {
        ctx.addIssue({ code: "custom", path: ["logprobs", i], message: "most likely first" });
        break;
      }
    }
  });

/** The correctness fingerprint of the run (lib/core/measure/fingerprint.ts): greedy token ids of a fixed prompt. */
export const fingerprintSchema = z
  .object({
    version: text(20),
    /** Prompt tokens the engine evaluated (its own tokenization, BOS included). */
    promptTokens: positiveCount(100_000),
    tokenIds: z.array(z.int().min(0).max(MAX_TOKENS)).min(1).max(256),
    /**
     * Per generated position, the engine's top candidates (null where the engine cannot report
     * probabilities: the browser engines). The server judges a disagreement with the reference by them.
     */
    topK: z.array(topKEntrySchema).max(256).nullable().default(null),
  })
  .superRefine((f, ctx) => {
    if (!f.topK) return;
    if (f.topK.length !== f.tokenIds.length) {
      ctx.addIssue({ code: "custom", path: ["topK"], message: `one entry per generated token (${f.tokenIds.length})` });
      return;
    }
    // Greedy decoding emits a most likely token: the emitted id is listed with the top log-probability
    // (an exact tie may list another id first).
    f.topK.forEach((e, i) => {
      const at = e.ids.indexOf(f.tokenIds[i]!);
      if (at < 0 || e.logprobs[at] !== e.logprobs[0]) {
        ctx.addIssue({ code: "custom", path: ["topK", i], message: `the generated token ${f.tokenIds[i]} must be a most likely candidate` });
      }
    });
  });

/**
 * A browser run's WebGPU adapter and where the engine really put the model: llama.cpp's WebGPU
 * backend silently loads every tensor on the CPU when the adapter lacks what it needs, so the
 * backend a run is stored under is where its weights went, and `fallbackReason` says why.
 */
export const webgpuSchema = z.object({
  adapter: z
    .object({ vendor: optText(100), architecture: optText(100), device: optText(100), description: optText(200), isFallbackAdapter: z.boolean() })
    .nullable()
    .default(null),
  features: z.array(text(80)).max(64).default([]),
  limits: z
    .record(safeString(80, { min: 1 }), z.number().min(0).max(2 ** 53))
    .refine((r) => Object.keys(r).length <= 64, "at most 64 limits")
    .default({}),
  /** Layers the run asked the engine to offload (null: none asked). */
  requestedGpuLayers: count(10_000).nullable().default(null),
  /** Bytes of model weights and KV cache per device, from llama.cpp's load log (null where unknown). */
  placement: z
    .object({ modelGpuBytes: nullableBytes, modelCpuBytes: nullableBytes, kvGpuBytes: nullableBytes, kvCpuBytes: nullableBytes })
    .nullable()
    .default(null),
  /** Why a GPU run ran on the CPU instead (null when it did not fall back). */
  fallbackReason: optText(500),
});

/**
 * Where an imported submission comes from: results measured elsewhere, by another tool, kept apart
 * from Tokenwatt's own runs (engine "llama.cpp", runner "llama-bench-import") and shown with their
 * source. Null: measured by a Tokenwatt runner.
 */
export const LLAMA_BENCH_FORMATS = ["json", "jsonl", "csv", "sql", "markdown"] as const;
export const importSourceSchema = z.object({
  tool: z.literal("llama-bench"),
  format: z.enum(LLAMA_BENCH_FORMATS),
  /** Where the output was published (an issue, a discussion, a gist); null: a local file. */
  url: z.url({ protocol: /^https?$/ }).max(500).nullable(),
  /** The machine llama-bench ran on: this one (the runner probed it) or another one (described by the output and flags). */
  machine: z.enum(["this", "other"]),
  /** Whether the output said when it ran (a markdown table does not: startedAt is then the import time). */
  timeKnown: z.boolean(),
  note: optText(500),
});

export const submissionSchema = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    /** Chosen by the runner (UUID); a repeat of the same id is idempotent. */
    submissionId: z.uuid(),
    suiteVersion: text(20),
    startedAt: z.iso.datetime({ offset: true }),
    finishedAt: z.iso.datetime({ offset: true }),
    runner: z.object({ name: text(50), version: text(50), commit: optText(64) }),
    device: deviceSchema,
    engine: engineSchema,
    model: modelSchema,
    options: optionsSchema,
    /** Idle power per sensor, measured before the run. Empty when no meter exists. */
    idlePower: z.array(powerReadingSchema).max(16).default([]),
    /** The same, measured after the run: the drift between the two says how stable the baseline was. */
    idlePowerAfter: z.array(powerReadingSchema).max(16).default([]),
    workloads: z.array(workloadResultSchema).min(1).max(64),
    fingerprint: fingerprintSchema.nullable().default(null),
    webgpu: webgpuSchema.nullable().default(null),
    /** Results imported from another tool (llama-bench), with where they come from; null: measured here. */
    source: importSourceSchema.nullable().default(null),
  })
  .superRefine((s, ctx) => {
    if (Date.parse(s.finishedAt) < Date.parse(s.startedAt)) {
      ctx.addIssue({ code: "custom", path: ["finishedAt"], message: "must not be before startedAt" });
    }
    // A day of clock skew is tolerated; a date beyond that has not happened yet.
    if (Date.parse(s.finishedAt) > Date.now() + 86_400_000) {
      ctx.addIssue({ code: "custom", path: ["finishedAt"], message: "is in the future" });
    }
    const seen = new Set<string>();
    s.workloads.forEach((w, i) => {
      if (seen.has(w.workloadId)) {
        ctx.addIssue({ code: "custom", path: ["workloads", i, "workloadId"], message: "duplicate workload id" });
      }
      seen.add(w.workloadId);
    });
  });

export type Submission = z.infer<typeof submissionSchema>;
export type SubmissionInput = z.input<typeof submissionSchema>;
export type WorkloadResult = z.infer<typeof workloadResultSchema>;
export type PowerReading = z.infer<typeof powerReadingSchema>;
export type EnergyPerToken = z.infer<typeof energyPerTokenSchema>;
export type Sample = z.infer<typeof sampleSchema>;
export type Device = z.infer<typeof deviceSchema>;
export type ModelInfo = z.infer<typeof modelSchema>;
export type EngineInfo = z.infer<typeof engineSchema>;
export type Fingerprint = z.infer<typeof fingerprintSchema>;
export type TopKEntry = z.infer<typeof topKEntrySchema>;
export type WebGpuInfo = z.infer<typeof webgpuSchema>;
export type ThermalStart = z.infer<typeof thermalStartSchema>;
export type WorkloadLoad = z.infer<typeof loadSchema>;
export type SustainedSeries = z.infer<typeof sustainedSeriesSchema>;
export type Aggregate = z.infer<typeof aggregateSchema>;
export type ImportSource = z.infer<typeof importSourceSchema>;

export interface FieldIssue {
  /** Dotted path into the submission, e.g. `workloads.0.samples.2.durationNs`. */
  path: string;
  message: string;
}

/**
 * Zod issues as field-level issues: dotted paths; an unrecognized key reports the key names.
 */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((i) => ({
    path: i.path.map(String).join(".") || ("keys" in i && Array.isArray(i.keys) ? i.keys.join(",") : ""),
    message: i.message,
  }));
}

/** Validates unknown input; on failure returns field-level issues (never throws). */
export function parseSubmission(
  input: unknown,
): { ok: true; submission: Submission } | { ok: false; issues: FieldIssue[] } {
  const r = submissionSchema.safeParse(input);
  if (r.success) return { ok: true, submission: r.data };
  return {
    ok: false,
    issues: toFieldIssues(r.error.issues),
  };
}
