/**
 * llama-bench JSON (array) or JSONL output → submissions. Every field llama-bench writes is read by
 * name, in the layouts of current and earlier llama-bench versions; what a field means is kept, never
 * coerced: n_gpu_layers -1 is "all", flash_attn -1 is "auto" (earlier versions wrote a boolean),
 * load_mode (earlier: use_mmap) says whether the file was memory-mapped. Rows of one model, build,
 * backend and configuration (threads, batch, ubatch, KV types, flash attention, GPU layers, split,
 * mmap...) form one submission whose id is derived from the rows, so importing the same file twice
 * stores it once, and rows of different configurations are never pooled.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Backend, Submission } from "../../lib/core/contracts/submission";
import { parseWorkloadId, workloadId } from "../../lib/core/contracts/workloads";
import { buildSubmission, workloadResult, type DeviceInput, type ModelInput } from "../../lib/core/measure/build-submission";

const count = z.number().int().min(0);
const row = z
  .object({
    build_commit: z.string().default("unknown"),
    build_number: z.number().int().nullish(),
    cpu_info: z.string().default("unknown"),
    gpu_info: z.string().default(""),
    /** Current versions: "CPU", "CUDA", "Metal,BLAS"...; earlier ones wrote one boolean per backend. Null: not recorded. */
    backends: z.string().nullish(),
    cuda: z.boolean().nullish(),
    vulkan: z.boolean().nullish(),
    metal: z.boolean().nullish(),
    model_filename: z.string().min(1),
    model_type: z.string().default(""),
    /** Bytes of the model's tensors (not the file: the GGUF header is left out). */
    model_size: z.number().int().positive(),
    model_n_params: z.number().int().positive().nullish(),
    n_batch: z.number().int().positive().nullish(),
    n_ubatch: z.number().int().positive().nullish(),
    n_threads: z.number().int().positive().nullish(),
    type_k: z.string().max(16).nullish(),
    type_v: z.string().max(16).nullish(),
    /** -1: all layers (llama-bench's default), else the count. */
    n_gpu_layers: z.number().int().min(-1).nullish(),
    n_cpu_moe: count.nullish(),
    split_mode: z.string().nullish(),
    main_gpu: count.nullish(),
    no_kv_offload: z.boolean().nullish(),
    /** -1 auto, 0 off, 1 on; earlier versions: a boolean. */
    flash_attn: z.union([z.boolean(), z.number().int().min(-1).max(1)]).nullish(),
    devices: z.string().nullish(),
    tensor_split: z.string().nullish(),
    /** Earlier versions: whether the model was memory-mapped. */
    use_mmap: z.boolean().nullish(),
    /** Current versions: auto | none | mmap | mlock | mmap+mlock | dio. */
    load_mode: z.string().nullish(),
    embeddings: z.boolean().nullish(),
    n_prompt: count,
    n_gen: count,
    n_depth: count.default(0),
    test_time: z.string().refine((t) => !Number.isNaN(Date.parse(t)), "not a date"),
    avg_ns: z.number().nullish(),
    avg_ts: z.number().nullish(),
    samples_ns: z.array(z.number().int().positive()).min(1).max(1000),
    samples_ts: z.array(z.number()).nullish(),
  })
  .loose();
export type LlamaBenchRow = z.infer<typeof row>;

export class ImportError extends Error {}

export function parseLlamaBench(text: string): LlamaBenchRow[] {
  const trimmed = text.trim();
  if (!trimmed) throw new ImportError("the file is empty");
  let raw: unknown[];
  try {
    const parsed: unknown = trimmed.startsWith("[") ? JSON.parse(trimmed) : trimmed.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
    if (!Array.isArray(parsed)) throw new Error("expected an array of rows");
    raw = parsed;
  } catch (e) {
    throw new ImportError(`not llama-bench JSON or JSONL (-o json, -o jsonl): ${(e as Error).message}`);
  }
  if (raw.length === 0) throw new ImportError("the file has no rows");
  return raw.map((r, i) => {
    const p = row.safeParse(r);
    if (!p.success) throw new ImportError(`row ${i + 1}: ${p.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    return p.data;
  });
}

/** The backend that ran the row: the first non-CPU entry of `backends`, or earlier versions' booleans. */
export function backendOf(r: LlamaBenchRow): Backend {
  const names = (r.backends ?? [r.cuda && "CUDA", r.vulkan && "Vulkan", r.metal && "Metal"].filter(Boolean).join(",")).toLowerCase();
  if (names.includes("cuda")) return "cuda";
  if (names.includes("metal")) return "metal";
  if (names.includes("vulkan")) return "vulkan";
  return "cpu";
}

/**
 * The quantization in llama.cpp's model type ("llama 1B Q4_K - Medium", "llama ?B (guessed) all F32",
 * "qwen2 0.5B IQ4_XS - 4.25 bpw"): llama_model_ftype_name's names, in llama-quantize's spelling.
 */
export function quantizationOf(modelType: string): string {
  const name = modelType
    .replace(/\(guessed\)/, "")
    .trim()
    .split(/\s+/)
    .slice(2)
    .join(" ")
    .replace(/^all\s+/, "");
  const m = /^(\S+)(?:\s+-\s+(Small|Medium|Large|Extra Large|[\d.]+ bpw))?/.exec(name);
  if (!m) return "unknown";
  const suffix = { Small: "_S", Medium: "_M", Large: "_L", "Extra Large": "_XL" }[m[2] ?? ""] ?? "";
  return m[1] + suffix;
}

/** flash_attn as llama-bench meant it: -1 auto, 0 off, 1 on (earlier versions: a boolean). */
export function flashAttentionOf(v: LlamaBenchRow["flash_attn"]): boolean | "auto" | null {
  if (v == null) return null;
  if (typeof v === "boolean") return v;
  return v === -1 ? "auto" : v === 1;
}

/** Whether the file was memory-mapped: use_mmap, or load_mode's mmap (null for "auto": the loader decided). */
export function mmapOf(r: LlamaBenchRow): boolean | null {
  if (r.use_mmap != null) return r.use_mmap;
  if (r.load_mode == null || r.load_mode === "auto") return null;
  return r.load_mode.split("+").includes("mmap");
}

/** The fields of a llama-bench row that describe its configuration (all but the test and its timings). */
const CONFIG_FIELDS = [
  "build_commit", "build_number", "cpu_info", "gpu_info", "backends", "cuda", "vulkan", "metal", "kompute", "sycl", "rpc", "gpu_blas", "blas",
  "model_filename", "model_type", "model_size", "model_n_params", "n_batch", "n_ubatch", "n_threads", "cpu_mask", "cpu_strict", "poll",
  "type_k", "type_v", "n_gpu_layers", "n_cpu_moe", "split_mode", "main_gpu", "no_kv_offload", "flash_attn", "devices", "tensor_split",
  "tensor_buft_overrides", "use_mmap", "load_mode", "lazy_mode", "direct_io", "embeddings", "no_op_offload", "no_host", "fit_target", "fit_min_ctx",
] as const;

/** The configuration that keeps rows apart: everything that changes speed except the test itself. */
function configKey(r: LlamaBenchRow): string {
  const record = r as Record<string, unknown>;
  return JSON.stringify(CONFIG_FIELDS.map((k) => record[k] ?? null));
}

function uuidFrom(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface ImportContext {
  /** The machine llama-bench ran on (this one), with the row's backend and CPU name. */
  device: (backend: Backend, cpuInfo: string) => DeviceInput;
  /** What the model file says of itself, where it can be read here (hash, layout); else null. */
  model?: (filename: string) => ModelInput | null;
}

/** Groups rows into submissions, one per model, build, backend and configuration. */
export function llamaBenchToSubmissions(rows: LlamaBenchRow[], ctx: ImportContext): Submission[] {
  const groups = new Map<string, LlamaBenchRow[]>();
  for (const r of rows) {
    const k = configKey(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const first = g[0]!;
    const times = g.map((r) => r.test_time).sort();
    const seen = new Set<string>();
    const workloads = g.map((r, i) => {
      const id = workloadId(r.n_prompt, r.n_gen, r.n_depth);
      const spec = parseWorkloadId(id);
      if (!spec) throw new ImportError(`row ${rows.indexOf(r) + 1}: n_prompt ${r.n_prompt}, n_gen ${r.n_gen} measures nothing`);
      if (seen.has(id)) throw new ImportError(`row ${rows.indexOf(r) + 1}: ${id} appears twice with the same configuration (row ${rows.indexOf(g.find((x, j) => j < i && workloadId(x.n_prompt, x.n_gen, x.n_depth) === id)!) + 1})`);
      seen.add(id);
      const samples = r.samples_ns.map((ns) => ({ durationNs: ns, promptTokens: r.n_prompt, genTokens: r.n_gen }));
      return workloadResult(spec, { status: "ok", samples }, { memory: { modelBytes: r.model_size } });
    });
    const backend = backendOf(first);
    const fromFile = ctx.model?.(first.model_filename) ?? null;
    const model: ModelInput = fromFile ?? {
      name: first.model_filename.split(/[\\/]/).pop()!.replace(/\.gguf$/, ""),
      family: first.model_type.split(/\s+/)[0] || null,
      parameterCount: first.model_n_params ?? null,
      quantization: quantizationOf(first.model_type),
      fileBytes: first.model_size,
      sha256: null,
      weights: "real",
      source: first.model_filename,
    };
    return buildSubmission({
      submissionId: uuidFrom(JSON.stringify(g)),
      runner: { name: "llama-bench-import" },
      startedAt: new Date(times[0]!).toISOString(),
      finishedAt: new Date(times[times.length - 1]!).toISOString(),
      device: ctx.device(backend, first.cpu_info),
      engine: { name: "llama.cpp", version: first.build_number != null ? `b${first.build_number}` : first.build_commit, build: first.build_commit },
      model,
      options: {
        threads: first.n_threads ?? null,
        gpuLayers: first.n_gpu_layers == null ? null : first.n_gpu_layers === -1 ? "all" : first.n_gpu_layers,
        batchSize: first.n_batch ?? null,
        ubatchSize: first.n_ubatch ?? null,
        repetitions: Math.max(...g.map((r) => r.samples_ns.length)),
        flashAttention: flashAttentionOf(first.flash_attn),
        typeK: first.type_k ?? null,
        typeV: first.type_v ?? null,
        useMmap: mmapOf(first),
      },
      workloads,
    });
  });
}
