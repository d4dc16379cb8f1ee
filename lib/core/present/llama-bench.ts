/**
 * A submission as llama-bench prints it (`-o json`, `-o csv`): one row per test, with llama-bench's
 * field names and types (llama-bench.cpp test::get_fields, get_field_type), so scripts written for
 * llama-bench read Tokenwatt's runs, and `tokenwatt import llama-bench` reads them back to the same
 * figures (tests/integration/run-downloads.test.ts). Only workloads llama-bench itself runs are
 * rows: ppN, tgN, ppN+tgM, each at a depth (@dD), measured (status ok), one sequence; TTFT, batched
 * and sustained workloads have no llama-bench test and are left out. Values Tokenwatt does not know
 * are null in JSON and empty in CSV (llama-bench itself always knows them): build_number where the
 * engine is not a numbered llama.cpp build, model_n_params, n_gpu_layers, flash_attn... The JSON's
 * samples are the repetitions; an imported summary (one mean repetition) has none, as llama-bench's
 * CSV.
 */
import type { Backend, Submission } from "../contracts/submission";
import { workloadId } from "../contracts/workloads";
import { deriveStats } from "../measure/stats";

/** llama.cpp's backend names (the importer's NAMES, runners/import/llama-cpp-backend.ts, read back). */
const LLAMA_CPP_BACKEND: Record<Backend, string> = {
  cpu: "CPU",
  cuda: "CUDA",
  metal: "MTL",
  vulkan: "Vulkan",
  webgpu: "WebGPU",
  // llama.cpp compiled to WebAssembly: llama-bench has no such backend, and the importer refuses it
  // rather than rank a browser run among native CPU runs.
  wasm: "WASM",
  rocm: "ROCm",
  sycl: "SYCL",
  opencl: "OpenCL",
  musa: "MUSA",
  cann: "CANN",
  kompute: "Kompute",
  hexagon: "Hexagon",
  openvino: "OpenVINO",
  zdnn: "zDNN",
  rpc: "RPC",
};

/** The quantization in llama.cpp's spelling ("Q4_K_M" -> "Q4_K - Medium"), as llama_model_ftype_name writes it. */
function ftypeName(quant: string): string {
  const m = /^(Q\d_K)_(S|M|L|XL)$/.exec(quant);
  return m ? `${m[1]} - ${{ S: "Small", M: "Medium", L: "Large", XL: "Extra Large" }[m[2] as "S"]}` : quant;
}

/** llama.cpp's model type: "llama 1B Q4_0" (architecture, size class, file type). */
function modelType(s: Submission): string {
  const n = s.model.parameterCount;
  const size = n == null ? "?B" : n >= 1e9 ? `${Number((n / 1e9).toFixed(1))}B` : `${Math.round(n / 1e6)}M`;
  return `${s.model.family ?? "unknown"} ${size} ${ftypeName(s.model.quantization)}`;
}

/** build_commit and build_number from "b4500 (abc1234)" (an imported llama.cpp build) or the engine's build. */
function build(s: Submission): { build_commit: string; build_number: number | null } {
  const m = /^b(\d+) \((.+)\)$/.exec(s.engine.version);
  if (m) return { build_commit: m[2]!, build_number: Number(m[1]) };
  return { build_commit: s.engine.build ?? `${s.engine.name} ${s.engine.version}`, build_number: null };
}

export function llamaBenchRows(s: Submission) {
  const o = s.options;
  const b = build(s);
  return s.workloads
    .filter((w) => w.status === "ok" && w.nBatch === 1 && w.samples.length > 0 && workloadId(w.nPrompt, w.nGen, w.nDepth) === w.workloadId)
    .map((w) => {
      const st = deriveStats(w.samples)!;
      const a = w.aggregate;
      return {
        ...b,
        cpu_info: s.device.cpu.model,
        gpu_info: s.device.gpus.map((g) => g.model).join(", "),
        backends: LLAMA_CPP_BACKEND[s.device.backend],
        model_filename: s.model.source?.endsWith(".gguf") ? s.model.source : `${s.model.name}.gguf`,
        model_type: modelType(s),
        model_size: s.model.fileBytes,
        model_n_params: s.model.parameterCount,
        n_batch: o.batchSize,
        n_ubatch: o.ubatchSize,
        n_threads: o.threads,
        type_k: o.typeK,
        type_v: o.typeV,
        n_gpu_layers: o.gpuLayers === "all" ? -1 : o.gpuLayers,
        flash_attn: o.flashAttention == null ? null : o.flashAttention === "auto" ? -1 : o.flashAttention ? 1 : 0,
        use_mmap: o.useMmap,
        n_prompt: w.nPrompt,
        n_gen: w.nGen,
        n_depth: w.nDepth,
        test_time: s.startedAt,
        avg_ns: Math.round(a?.avgNs ?? st.avgNs),
        stddev_ns: Math.round(a ? (a.stddevNs ?? 0) : st.stddevNs),
        avg_ts: a?.avgTokensPerSec ?? st.avgTokensPerSec,
        stddev_ts: a ? (a.stddevTokensPerSec ?? 0) : st.stddevTokensPerSec,
        samples_ns: a ? null : w.samples.map((x) => x.durationNs),
        samples_ts: a ? null : st.samplesTokensPerSec,
      };
    });
}
export type LlamaBenchRow = ReturnType<typeof llamaBenchRows>[number];

/** `-o json`: an array of rows, as llama-bench writes it. */
export function llamaBenchJson(s: Submission): string {
  return JSON.stringify(llamaBenchRows(s), null, 2);
}

/** `-o csv`: a header of the field names, then every value in double quotes; no samples (llama-bench prints none). */
export function llamaBenchCsv(s: Submission): string {
  const rows = llamaBenchRows(s).map(({ samples_ns: _n, samples_ts: _t, ...r }) => r);
  if (rows.length === 0) return "";
  const fields = Object.keys(rows[0]!) as (keyof (typeof rows)[number])[];
  const cell = (v: unknown) => `"${v == null ? "" : typeof v === "boolean" ? (v ? "1" : "0") : String(v).replace(/"/g, '""')}"`;
  return `${fields.join(",")}\n${rows.map((r) => fields.map((f) => cell(r[f])).join(",")).join("\n")}\n`;
}
