/**
 * llama-bench output → submissions. Reads every format llama-bench prints: -o json (an array),
 * jsonl, csv, sql (its INSERT statements) and the markdown table people paste in issues, with the
 * llama.cpp log lines above it (llama-bench-markdown.ts, ggml-log.ts). Every field is read by name,
 * in the layouts of current and earlier versions; what a field means is kept, never coerced:
 * n_gpu_layers -1 is "all", flash_attn -1 is "auto" (earlier versions wrote a boolean), load_mode
 * (earlier: use_mmap) says whether the file was memory-mapped, the backend string maps to a backend
 * or is refused (llama-cpp-backend.ts). Rows of one model, build, backend and configuration form
 * one submission whose id is derived from the rows, so importing the same output twice stores it
 * once, and rows of different configurations are never pooled. Formats without samples (csv, sql,
 * markdown) become one mean repetition per test, marked as such (the contract's aggregateSchema).
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Backend, ImportSource, Submission } from "../../lib/core/contracts/submission";
import { parseWorkloadId, workloadId } from "../../lib/core/contracts/workloads";
import { buildSubmission, workloadResult, type DeviceInput, type ModelInput } from "../../lib/core/measure/build-submission";
import { backendFromLlamaCpp, backendNamesFromFlags, BackendError } from "./llama-cpp-backend";
import { rowsFromCsv, rowsFromSql, DelimitedError } from "./llama-bench-delimited";
import { tablesFromMarkdown, TableError } from "./llama-bench-markdown";
import { machineFromLog } from "./ggml-log";

const count = z.number().int().min(0);
const row = z
  .object({
    build_commit: z.string().default("unknown"),
    build_number: z.number().int().nullish(),
    cpu_info: z.string().default(""),
    gpu_info: z.string().default(""),
    /** Current versions: "CPU", "CUDA", "BLAS,MTL"...; earlier ones wrote one boolean per backend. Null: not recorded. */
    backends: z.string().nullish(),
    cuda: z.boolean().nullish(),
    vulkan: z.boolean().nullish(),
    metal: z.boolean().nullish(),
    /** Empty in a markdown table (it names the model by its type only). */
    model_filename: z.string().default(""),
    model_type: z.string().default(""),
    /** Bytes of the model's tensors (not the file: the GGUF header is left out); a table rounds it to 0.01 GiB. */
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
    /** RFC 3339; absent from a markdown table. */
    test_time: z.string().refine((t) => !Number.isNaN(Date.parse(t)), "not a date").nullish(),
    avg_ns: z.number().positive().nullish(),
    stddev_ns: z.number().min(0).nullish(),
    avg_ts: z.number().positive().nullish(),
    stddev_ts: z.number().min(0).nullish(),
    /** The repetitions (json, jsonl); csv, sql and markdown print only their mean and deviation. */
    samples_ns: z.array(z.number().int().positive()).min(1).max(1000).nullish(),
    samples_ts: z.array(z.number()).nullish(),
  })
  .loose()
  .refine((r) => r.samples_ns != null || r.avg_ts != null, { message: "neither samples_ns nor avg_ts: nothing was measured", path: ["samples_ns"] });
export type LlamaBenchRow = z.infer<typeof row>;
export type LlamaBenchFormat = ImportSource["format"];

export class ImportError extends Error {}

function rawRows(trimmed: string): { format: LlamaBenchFormat; raw: unknown[] } {
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    try {
      const parsed: unknown = trimmed.startsWith("[") ? JSON.parse(trimmed) : trimmed.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
      if (!Array.isArray(parsed)) throw new Error("expected an array of rows");
      return { format: trimmed.startsWith("[") ? "json" : "jsonl", raw: parsed };
    } catch (e) {
      throw new ImportError(`not llama-bench JSON or JSONL (-o json, -o jsonl): ${(e as Error).message}`);
    }
  }
  try {
    if (trimmed.startsWith("build_commit,")) return { format: "csv", raw: rowsFromCsv(trimmed) };
    if (/^\s*INSERT INTO llama_bench /m.test(trimmed)) return { format: "sql", raw: rowsFromSql(trimmed) };
    const table = tablesFromMarkdown(trimmed);
    if (table.length) {
      // The log lines pasted above the table name the GPUs and the CPU (llama-bench's gpu_info and cpu_info).
      const machine = machineFromLog(trimmed);
      return { format: "markdown", raw: table.map((r) => ({ gpu_info: machine.gpus.join(", "), cpu_info: machine.cpu ?? "", ...r })) };
    }
  } catch (e) {
    if (e instanceof TableError || e instanceof DelimitedError) throw new ImportError(e.message);
    throw e;
  }
  throw new ImportError("no llama-bench output found: expected -o json, jsonl, csv or sql output, or llama-bench's markdown table (| model | size | params | backend | ... | test | t/s |)");
}

/** Reads llama-bench output in any of its formats; rows checked field by field. */
export function readLlamaBench(text: string): { format: LlamaBenchFormat; rows: LlamaBenchRow[] } {
  const trimmed = text.trim();
  if (!trimmed) throw new ImportError("the file is empty");
  const { format, raw } = rawRows(trimmed);
  if (raw.length === 0) throw new ImportError("the file has no rows");
  const rows = raw.map((r, i) => {
    const p = row.safeParse(r);
    if (!p.success) throw new ImportError(`row ${i + 1}: ${p.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    return p.data;
  });
  return { format, rows };
}

/** The rows of llama-bench output in any format (see readLlamaBench). */
export function parseLlamaBench(text: string): LlamaBenchRow[] {
  return readLlamaBench(text).rows;
}

/** The backend that ran the row (refused, never guessed, when llama.cpp's name is unknown or ambiguous). */
export function backendOf(r: LlamaBenchRow): Backend {
  try {
    return backendFromLlamaCpp(r.backends ?? backendNamesFromFlags(r));
  } catch (e) {
    if (e instanceof BackendError) throw new ImportError(e.message);
    throw e;
  }
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
    .replace(/^(?:all|mostly)\s+/, "");
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

/** The fields of a llama-bench row that describe its configuration (all but the test and its timings), in every version's names. */
const CONFIG_FIELDS = [
  "build_commit", "build_number", "cpu_info", "gpu_info", "backends", "cuda", "vulkan", "metal", "kompute", "sycl", "opencl", "rpc", "gpu_blas", "blas",
  "model_filename", "model_type", "model_size", "model_n_params", "n_batch", "n_ubatch", "n_threads", "cpu_mask", "cpu_strict", "poll",
  "type_k", "type_v", "f16_kv", "mul_mat_q", "n_gpu_layers", "n_cpu_moe", "split_mode", "main_gpu", "no_kv_offload", "flash_attn", "devices", "tensor_split",
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

/** llama-bench's default repetitions (-r 5): what a summary without a count is assumed to average. */
export const LLAMA_BENCH_DEFAULT_REPETITIONS = 5;

/** The machine a group of rows ran on, as the rows describe it. */
export interface RowMachine {
  backend: Backend;
  /** llama-bench's cpu_info ("" where not printed). */
  cpuInfo: string;
  /** llama-bench's gpu_info, GPU names joined by ", " ("" where none). */
  gpuInfo: string;
}

export interface ImportContext {
  /** The machine llama-bench ran on: this one (probed) or another one (described by the rows and flags). */
  device: (m: RowMachine) => DeviceInput;
  /** What the model file says of itself, where it can be read here (hash, layout); else null. */
  model?: (filename: string) => ModelInput | null;
  /** Where the output comes from; its format is the one read. */
  source: Omit<ImportSource, "format" | "timeKnown">;
  format: LlamaBenchFormat;
  /** Repetitions behind each summary row (llama-bench's -r), where known; else 5 is assumed. */
  repetitions?: number | null;
  /** When the import ran (ISO): the submission's time where the output has none (a markdown table). */
  importedAt: string;
}

/** "b4500 (abc1234)": the build number only where it is one (a build without git history says 1). */
export function engineVersion(r: Pick<LlamaBenchRow, "build_commit" | "build_number">): string {
  return r.build_number != null && r.build_number > 1 ? `b${r.build_number} (${r.build_commit})` : r.build_commit;
}

function workloadOf(r: LlamaBenchRow, where: string, ctx: ImportContext) {
  const id = workloadId(r.n_prompt, r.n_gen, r.n_depth);
  const spec = parseWorkloadId(id);
  if (!spec) throw new ImportError(`${where}: n_prompt ${r.n_prompt}, n_gen ${r.n_gen} measures nothing`);
  const tokens = { promptTokens: r.n_prompt, genTokens: r.n_gen };
  const memory = { memory: { modelBytes: r.model_size } };
  if (r.samples_ns) return workloadResult(spec, { status: "ok", samples: r.samples_ns.map((ns) => ({ durationNs: ns, ...tokens })) }, memory);
  // A summary: its one sample is the mean repetition (avg_ns where printed, else the tokens at the mean rate).
  const avgTs = r.avg_ts!;
  const durationNs = r.avg_ns != null ? Math.round(r.avg_ns) : Math.round(((r.n_prompt + r.n_gen) * 1e9) / avgTs);
  const aggregate = {
    repetitions: ctx.repetitions ?? LLAMA_BENCH_DEFAULT_REPETITIONS,
    repetitionsAssumed: ctx.repetitions == null,
    avgTokensPerSec: avgTs,
    stddevTokensPerSec: r.stddev_ts ?? null,
    avgNs: r.avg_ns != null ? Math.round(r.avg_ns) : null,
    stddevNs: r.stddev_ns ?? null,
  };
  return workloadResult(spec, { status: "ok", samples: [{ durationNs, ...tokens }] }, { ...memory, aggregate });
}

/** The model as the rows name it, where its file cannot be read here. */
function modelOf(first: LlamaBenchRow): ModelInput {
  const file = first.model_filename.split(/[\\/]/).pop()!.replace(/\.gguf$/, "");
  return {
    name: file || first.model_type || "unknown model",
    family: first.model_type.split(/\s+/)[0] || null,
    parameterCount: first.model_n_params ?? null,
    quantization: quantizationOf(first.model_type),
    fileBytes: first.model_size,
    sha256: null,
    weights: "real",
    source: first.model_filename || null,
  };
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
    const where = (r: LlamaBenchRow) => `row ${rows.indexOf(r) + 1}`;
    const seen = new Map<string, LlamaBenchRow>();
    const workloads = g.map((r) => {
      const id = workloadId(r.n_prompt, r.n_gen, r.n_depth);
      if (seen.has(id)) throw new ImportError(`${where(r)}: ${id} appears twice with the same configuration (${where(seen.get(id)!)})`);
      seen.set(id, r);
      return workloadOf(r, where(r), ctx);
    });
    const times = g.flatMap((r) => (r.test_time ? [new Date(r.test_time).toISOString()] : [])).sort();
    const timeKnown = times.length === g.length;
    const aggregated = g.some((r) => r.samples_ns == null);
    return buildSubmission({
      // From the rows' fields in name order (not the schema's), and where they were published.
      submissionId: uuidFrom(JSON.stringify([ctx.source.url, g.map((r) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))))])),
      runner: { name: "llama-bench-import" },
      startedAt: timeKnown ? times[0]! : ctx.importedAt,
      finishedAt: timeKnown ? times[times.length - 1]! : ctx.importedAt,
      device: ctx.device({ backend: backendOf(first), cpuInfo: first.cpu_info, gpuInfo: first.gpu_info }),
      engine: { name: "llama.cpp", version: engineVersion(first), build: first.build_commit },
      model: (first.model_filename && ctx.model?.(first.model_filename)) || modelOf(first),
      options: {
        threads: first.n_threads ?? null,
        gpuLayers: first.n_gpu_layers == null ? null : first.n_gpu_layers === -1 ? "all" : first.n_gpu_layers,
        batchSize: first.n_batch ?? null,
        ubatchSize: first.n_ubatch ?? null,
        repetitions: aggregated ? (ctx.repetitions ?? LLAMA_BENCH_DEFAULT_REPETITIONS) : Math.max(...g.map((r) => r.samples_ns!.length)),
        flashAttention: flashAttentionOf(first.flash_attn),
        typeK: first.type_k || null,
        typeV: first.type_v || null,
        useMmap: mmapOf(first),
      },
      workloads,
      source: { ...ctx.source, format: ctx.format, timeKnown },
    });
  });
}
