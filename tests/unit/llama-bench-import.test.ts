/**
 * The llama-bench importer on real output: tests/fixtures/llama-bench/ holds files written by the
 * llama-bench that scripts/build-llama-bench.sh builds (llama.cpp 80fb11a, the source node-llama-cpp
 * 3.21.1 ships), on stories260K and on a synthetic Q4_K_M file, in every output format (json, jsonl,
 * csv, sql and the markdown table); the earlier field layout is a row written by hand in that layout
 * (llama-bench before `backends`, n_depth and load_mode). Public outputs of other devices:
 * llama-bench-public.test.ts.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { completeDevice, type DeviceInput } from "../../lib/core/measure/build-submission";
import { engineVersion, flashAttentionOf, ImportError, llamaBenchToSubmissions, parseLlamaBench, quantizationOf, readLlamaBench, type ImportContext, type LlamaBenchFormat, type RowMachine } from "../../runners/import/llama-bench";
import { backendFromLlamaCpp, backendNamesFromFlags, BackendError } from "../../runners/import/llama-cpp-backend";
import { buildLines, gpuVendor, machineFromLog } from "../../runners/import/ggml-log";
import { cpuNameKey, sameCpu, tidyCpuName } from "../../lib/core/measure/cpu-name";
import { importedDevice, MachineError, whichMachine } from "../../runners/import/imported-device";

/** This machine's output, as `tokenwatt import llama-bench` reads it. */
const local = (format: LlamaBenchFormat = "json"): ImportContext => ({
  device,
  source: { tool: "llama-bench", url: null, machine: "this", note: null },
  format,
  importedAt: "2026-12-05T00:00:00.000Z",
});

const fixture = (name: string) => fs.readFileSync(`tests/fixtures/llama-bench/${name}`, "utf8");
const device = ({ backend, cpuInfo }: RowMachine): DeviceInput =>
  completeDevice({
    vendor: "Test",
    model: "Machine",
    deviceClass: "server",
    os: { platform: "linux", release: "6", distro: null },
    cpu: { vendor: null, model: cpuInfo || "AMD EPYC", cores: 2, threads: 2, flags: [] },
    ramBytes: 2 ** 34,
    gpus: [],
    backend,
    availableBackends: [backend],
    battery: null,
    memoryBandwidthGBps: null,
  });

describe("llama-bench import (real output of the llama-bench this project builds)", () => {
  it("imports -o json with -1 values: all GPU layers, automatic flash attention, depth and pp+tg rows with their own meaning", () => {
    const rows = parseLlamaBench(fixture("stories260K-cpu.json"));
    expect(rows).toHaveLength(12);
    expect(rows[0]).toMatchObject({ n_gpu_layers: -1, flash_attn: -1, load_mode: "auto" });
    const subs = llamaBenchToSubmissions(rows, local());
    // -t 1,2: two configurations, never pooled
    expect(subs.map((s) => s.options.threads)).toEqual([1, 2]);
    for (const s of subs) {
      expect(parseSubmission(JSON.parse(JSON.stringify(s))).ok).toBe(true);
      expect(s.workloads.map((w) => w.workloadId)).toEqual(["pp64", "tg16", "pp64+tg16", "pp64@d128", "tg16@d128", "pp64+tg16@d128"]);
      expect(s.options).toMatchObject({ gpuLayers: "all", flashAttention: "auto", typeK: "f16", typeV: "f16", useMmap: null, batchSize: 2048, ubatchSize: 512, repetitions: 2 });
      expect(s.model).toMatchObject({ name: "stories260K", quantization: "F32", parameterCount: 292800, weights: "real" });
      expect(s.engine).toMatchObject({ name: "llama.cpp", build: "80fb11a" });
      expect(s.device).toMatchObject({ backend: "cpu", cpu: { model: "AMD EPYC" } });
      const deep = s.workloads.find((w) => w.workloadId === "tg16@d128")!;
      expect(deep).toMatchObject({ nPrompt: 0, nGen: 16, nDepth: 128 });
      expect(deep.samples.every((x) => x.genTokens === 16 && x.promptTokens === 0)).toBe(true);
    }
    // the same file twice is the same submissions (ids derived from the rows)
    expect(llamaBenchToSubmissions(parseLlamaBench(fixture("stories260K-cpu.json")), local()).map((s) => s.submissionId)).toEqual(subs.map((s) => s.submissionId));
  });

  it("imports -o jsonl: flash attention on, q8_0 KV cache, batch sizes and mmap as recorded, Q4_K_M named as llama-quantize names it", () => {
    const [s, ...rest] = llamaBenchToSubmissions(parseLlamaBench(fixture("k-test-fa-q8kv.jsonl")), local("jsonl"));
    expect(rest).toEqual([]);
    expect(s!.options).toMatchObject({ threads: 2, flashAttention: true, typeK: "q8_0", typeV: "q8_0", batchSize: 256, ubatchSize: 128, useMmap: true, gpuLayers: "all" });
    expect(s!.model.quantization).toBe("Q4_K_M");
    expect(s!.workloads.map((w) => w.workloadId)).toEqual(["pp32", "tg8"]);
    expect(parseSubmission(JSON.parse(JSON.stringify(s))).ok).toBe(true);
  });

  it("reads the earlier layout: backend booleans, boolean flash_attn, use_mmap, no n_depth", () => {
    const old = {
      build_commit: "3b4f2e3",
      build_number: 3300,
      cuda: true,
      vulkan: false,
      metal: false,
      cpu_info: "Intel(R) Core(TM) i9-13900K",
      gpu_info: "NVIDIA GeForce RTX 4090",
      model_filename: "models/llama-3.2-1b-q4_k_m.gguf",
      model_type: "llama 1B Q4_K - Medium",
      model_size: 799_000_000,
      model_n_params: 1_235_814_400,
      n_batch: 2048,
      n_ubatch: 512,
      n_threads: 8,
      type_k: "f16",
      type_v: "f16",
      n_gpu_layers: 99,
      split_mode: "layer",
      main_gpu: 0,
      no_kv_offload: false,
      flash_attn: false,
      tensor_split: "0.00",
      use_mmap: true,
      embeddings: false,
      n_prompt: 0,
      n_gen: 128,
      test_time: "2024-07-01T10:00:00Z",
      avg_ns: 400_000_000,
      stddev_ns: 1,
      avg_ts: 320,
      stddev_ts: 1,
      samples_ns: [400_000_000, 400_000_002],
      samples_ts: [320, 320],
    };
    const [s] = llamaBenchToSubmissions(parseLlamaBench(JSON.stringify([old])), local());
    expect(s!.device.backend).toBe("cuda");
    expect(s!.options).toMatchObject({ gpuLayers: 99, flashAttention: false, useMmap: true, threads: 8 });
    expect(s!.workloads[0]).toMatchObject({ workloadId: "tg128", nDepth: 0 });
    expect(s!.model.quantization).toBe("Q4_K_M");
  });

  it("names quantizations and flash attention as llama.cpp means them", () => {
    expect(quantizationOf("llama 1B Q4_0")).toBe("Q4_0");
    expect(quantizationOf("llama ?B (guessed) all F32")).toBe("F32");
    expect(quantizationOf("qwen2 1.5B Q5_K - Small")).toBe("Q5_K_S");
    expect(quantizationOf("llama 8B IQ4_XS - 4.25 bpw")).toBe("IQ4_XS");
    expect(flashAttentionOf(-1)).toBe("auto");
    expect(flashAttentionOf(0)).toBe(false);
    expect(flashAttentionOf(1)).toBe(true);
    expect(flashAttentionOf(true)).toBe(true);
  });

  it("says what is wrong with a file it cannot import, and imports nothing", () => {
    expect(() => parseLlamaBench("")).toThrow(ImportError);
    expect(() => parseLlamaBench("| model | size |\n| --- | --- |")).toThrow(/no llama-bench output found/);
    expect(() => parseLlamaBench("[{")).toThrow(/not llama-bench JSON or JSONL/);
    expect(() => parseLlamaBench("{}")).toThrow(/row 1/);
    const row = JSON.parse(fixture("k-test-fa-q8kv.jsonl").split("\n")[0]!);
    expect(() => parseLlamaBench(JSON.stringify([{ ...row, n_gpu_layers: -2 }]))).toThrow(/row 1: n_gpu_layers/);
    expect(() => parseLlamaBench(JSON.stringify([{ ...row, test_time: "yesterday" }]))).toThrow(/test_time/);
    expect(() => llamaBenchToSubmissions(parseLlamaBench(JSON.stringify([{ ...row, n_prompt: 0, n_gen: 0 }])), local())).toThrow(/measures nothing/);
    expect(() => llamaBenchToSubmissions(parseLlamaBench(JSON.stringify([row, row])), local())).toThrow(/appears twice/);
  });
});

describe("tokenwatt bench -o json speaks llama-bench", () => {
  it("prints per-test rows with llama-bench's fields, which llama-bench readers (this importer included) read", async () => {
    const { makeSubmission } = await import("../../harness/fixtures");
    const { render } = await import("../../runners/output/printers");
    const p = parseSubmission({ ...makeSubmission({ workloads: 4 }), model: { ...makeSubmission().model, source: "models/llama-3.2-1b-q4_0.gguf" } });
    if (!p.ok) throw new Error("fixture");
    const rows = JSON.parse(render(p.submission, "json"));
    expect(rows.map((r: any) => [r.n_prompt, r.n_gen, r.n_depth])).toEqual([[512, 0, 0], [0, 128, 0], [512, 128, 0], [0, 128, 4096]]);
    for (const r of rows) {
      expect(r.avg_ts).toBeCloseTo(r.samples_ts.reduce((a: number, x: number) => a + x, 0) / r.samples_ts.length, 9);
      expect(r.stddev_ts).toBeGreaterThan(0);
      expect(r.samples_ns).toHaveLength(3);
    }
    const again = llamaBenchToSubmissions(parseLlamaBench(render(p.submission, "json")), local());
    expect(again[0]!.workloads.map((w) => w.workloadId)).toEqual(["pp512", "tg128", "pp512+tg128", "tg128@d4096"]);
  });
});

describe("every llama.cpp backend string maps to a backend, never silently to cpu", () => {
  it("maps current and earlier names, combinations with BLAS and RPC, and refuses unknown or ambiguous ones", () => {
    const cases: [string, string][] = [
      ["CPU", "cpu"],
      ["BLAS", "cpu"],
      ["ZenDNN", "cpu"],
      ["CUDA", "cuda"],
      ["ROCm", "rocm"],
      ["HIP", "rocm"],
      ["Metal", "metal"],
      ["MTL", "metal"],
      ["BLAS,MTL", "metal"],
      ["Metal,BLAS", "metal"],
      ["Vulkan", "vulkan"],
      ["SYCL", "sycl"],
      ["OpenCL", "opencl"],
      ["MUSA", "musa"],
      ["CANN", "cann"],
      ["Kompute", "kompute"],
      ["CUDA,RPC", "rpc"],
      ["RPC", "rpc"],
      ["CUDA,BLAS", "cuda"],
    ];
    for (const [names, backend] of cases) expect(backendFromLlamaCpp(names), names).toBe(backend);
    expect(() => backendFromLlamaCpp("Quantum")).toThrow(BackendError);
    expect(() => backendFromLlamaCpp("CUDA,Vulkan")).toThrow(/several GPU backends/);
    // Earlier rows: one boolean per backend.
    expect(backendFromLlamaCpp(backendNamesFromFlags({ cuda: false, metal: true }))).toBe("metal");
    expect(backendFromLlamaCpp(backendNamesFromFlags({ cuda: false, vulkan: false }))).toBe("cpu");
    const [row] = parseLlamaBench(fixture("k-test-fa-q8kv.jsonl"));
    expect(() => llamaBenchToSubmissions([{ ...row!, backends: "Quantum" }], local())).toThrow(/unknown llama.cpp backend "quantum"/);
  });
});

describe("one CPU, one spelling", () => {
  it("folds /proc/cpuinfo's, systeminformation's and people's spellings into one key", () => {
    const same = [
      ["13th Gen Intel(R) Core(TM) i3-1315U", "Intel Core™ i3-1315U", "intel core i3-1315u"],
      ["AMD EPYC 9654 96-Core Processor", "AMD EPYC 9654", "AMD  EPYC   9654"],
      ["Intel(R) Xeon(R) Gold 6154 CPU @ 3.00GHz", "Intel® Xeon® Gold 6154"],
      ["AMD Ryzen 9 7950X 16-Core Processor", "AMD Ryzen 9 7950X"],
      ["Apple M2 Max", "Apple M2 Max"],
    ];
    for (const group of same) {
      for (const name of group) expect(sameCpu(name, group[0]!), `${name} ~ ${group[0]}`).toBe(true);
    }
    expect(cpuNameKey("13th Gen Intel(R) Core(TM) i3-1315U")).toBe("intel core i3-1315u");
    expect(tidyCpuName("AMD EPYC 9654 96-Core Processor")).toBe("AMD EPYC 9654");
    expect(sameCpu("AMD EPYC 9654", "AMD EPYC 9554")).toBe(false);
    expect(sameCpu("Apple M2", "Apple M2 Max")).toBe(false);
  });
});

describe("the llama.cpp log lines above a pasted table", () => {
  it("name the GPUs of CUDA, ROCm, Vulkan, Metal and SYCL, the CPU, and the build", () => {
    const log = [
      "ggml_cuda_init: found 2 CUDA devices (Total VRAM: 48000 MiB):",
      "  Device 0: NVIDIA GeForce RTX 4090, compute capability 8.9, VMM: yes, VRAM: 24000 MiB",
      "  Device 1: NVIDIA GeForce RTX 3090, compute capability 8.6, VMM: yes, VRAM: 24000 MiB",
      "register_device: registered device CPU (13th Gen Intel(R) Core(TM) i9-13900K)",
    ].join("\n");
    expect(machineFromLog(log)).toEqual({ gpus: ["NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 3090"], cpu: "13th Gen Intel(R) Core(TM) i9-13900K" });
    expect(machineFromLog("ggml_metal_init: found device: Apple M2 Max\nggml_metal_init: GPU name:   Apple M2 Max").gpus).toEqual(["Apple M2 Max"]);
    expect(machineFromLog("ggml_metal_device_init: GPU name:   MTL0 (Apple M4)").gpus).toEqual(["Apple M4"]);
    expect(machineFromLog("Vulkan0: AMD Radeon RX 5700 XT (RADV NAVI10) | uma: 0 | fp16: 1 | warp size: 64").gpus).toEqual(["AMD Radeon RX 5700 XT"]);
    expect(machineFromLog("| 0|[level_zero:gpu:0]|               Intel(R) Arc(TM) A770 Graphics|       1.3|        512|    1024|     32|    16225243136|").gpus).toEqual(["Intel(R) Arc(TM) A770 Graphics"]);
    expect(buildLines("build: e598697d (4696)\nmain: build = 2416 (16c31f6)").map(({ commit, number }) => ({ commit, number }))).toEqual([
      { commit: "e598697d", number: 4696 },
      { commit: "16c31f6", number: 2416 },
    ]);
    expect(gpuVendor("Radeon RX 570 Series")).toBe("AMD");
    expect(gpuVendor("Mali-G610")).toBe("ARM");
  });

  it("engine version: build number and commit, never 'b1' for a build without git history", () => {
    expect(engineVersion({ build_commit: "abc1234", build_number: 4500 })).toBe("b4500 (abc1234)");
    expect(engineVersion({ build_commit: "80fb11a", build_number: 1 })).toBe("80fb11a");
    expect(engineVersion({ build_commit: "80fb11a", build_number: null })).toBe("80fb11a");
  });
});

describe("this machine's llama-bench (80fb11a, stories260K, -r 3) in every output format", () => {
  // stories260K-cpu-r3.json and .md are one run (-o json -oe md); .csv (-d 0,64) and .sql (-t 1,2) are runs of their own.
  it("the markdown table of a run carries the same tests and figures as its JSON, as summaries", () => {
    const json = parseLlamaBench(fixture("stories260K-cpu-r3.json"));
    const { format, rows } = readLlamaBench(fixture("stories260K-cpu-r3.md"));
    expect(format).toBe("markdown");
    const [fromJson] = llamaBenchToSubmissions(json, local());
    const [fromMd, ...rest] = llamaBenchToSubmissions(rows, local("markdown"));
    expect(rest).toEqual([]);
    expect(fromMd!.workloads.map((w) => w.workloadId)).toEqual(fromJson!.workloads.map((w) => w.workloadId));
    expect(fromMd!.workloads.map((w) => w.workloadId)).toEqual(["pp64", "tg16", "pp64+tg16", "pp64@d64", "tg16@d64", "pp64+tg16@d64"]);
    json.forEach((r, i) => {
      const a = fromMd!.workloads[i]!.aggregate!;
      expect(a.avgTokensPerSec).toBeCloseTo(r.avg_ts!, 2);
      expect(a.stddevTokensPerSec!).toBeCloseTo(r.stddev_ts!, 2);
      expect(fromJson!.workloads[i]!.samples).toHaveLength(3);
      expect(fromJson!.workloads[i]!.aggregate).toBeNull();
    });
    expect(fromMd!.engine).toEqual({ name: "llama.cpp", version: "80fb11a", build: "80fb11a" });
    expect(fromMd!.model).toMatchObject({ name: "llama ?B (guessed) all F32", quantization: "F32", parameterCount: 290_000, fileBytes: Math.round(1.12 * 2 ** 20) });
    expect(fromMd!.source).toMatchObject({ format: "markdown", timeKnown: false });
    expect(fromJson!.source).toMatchObject({ format: "json", timeKnown: true });
    for (const s of [fromJson!, fromMd!]) expect(parseSubmission(JSON.parse(JSON.stringify(s))).ok).toBe(true);
  });

  it("-o csv and -o sql: typed as llama-bench types them, one mean repetition per test with the printed avg_ns", () => {
    const csv = readLlamaBench(fixture("stories260K-cpu-r3.csv"));
    expect(csv.format).toBe("csv");
    expect(csv.rows[0]).toMatchObject({ build_number: 1, cpu_strict: false, flash_attn: -1, n_gpu_layers: -1, no_kv_offload: false, embeddings: false });
    const [s, ...rest] = llamaBenchToSubmissions(csv.rows, { ...local("csv"), repetitions: 3 });
    expect(rest).toEqual([]);
    expect(s!.workloads.map((w) => w.workloadId)).toEqual(["pp64", "tg16", "pp64@d64", "tg16@d64"]);
    csv.rows.forEach((r, i) => {
      const w = s!.workloads[i]!;
      expect(w.samples).toEqual([{ durationNs: r.avg_ns, promptTokens: r.n_prompt, genTokens: r.n_gen, energyJ: null, firstTokenNs: null }]);
      expect(w.aggregate).toEqual({ repetitions: 3, repetitionsAssumed: false, avgTokensPerSec: r.avg_ts, stddevTokensPerSec: r.stddev_ts, avgNs: r.avg_ns, stddevNs: r.stddev_ns });
    });
    expect(s!.options).toMatchObject({ repetitions: 3, flashAttention: "auto", gpuLayers: "all", threads: 2 });
    expect(parseSubmission(JSON.parse(JSON.stringify(s))).ok).toBe(true);

    const sql = readLlamaBench(fixture("stories260K-cpu-r3.sql"));
    expect(sql.format).toBe("sql");
    const subs = llamaBenchToSubmissions(sql.rows, local("sql"));
    expect(subs.map((x) => x.options.threads)).toEqual([1, 2]);
    for (const x of subs) {
      expect(x.workloads.map((w) => w.workloadId)).toEqual(["pp64", "tg16"]);
      expect(x.workloads.every((w) => w.aggregate?.repetitionsAssumed === true && w.aggregate.repetitions === 5)).toBe(true);
      expect(parseSubmission(JSON.parse(JSON.stringify(x))).ok).toBe(true);
    }
  });

  it("a summary holds exactly one sample", () => {
    const [s] = llamaBenchToSubmissions(readLlamaBench(fixture("stories260K-cpu-r3.csv")).rows, local("csv"));
    const w = s!.workloads[0]!;
    const bad = JSON.parse(JSON.stringify({ ...s, workloads: [{ ...w, samples: [...w.samples, ...w.samples] }] }));
    const r = parseSubmission(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).toContain("workloads.0.aggregate");
  });
});

describe("whose results an output holds", () => {
  it("this machine's where its CPU is named (in any spelling) or --this-machine says so; another's where flags describe it or the CPU differs", () => {
    const thisCpu = "Intel Core™ i3-1315U";
    expect(whichMachine({ named: "13th Gen Intel(R) Core(TM) i3-1315U", thisCpu, described: false, thisMachine: false })).toBe("this");
    expect(whichMachine({ named: "AMD EPYC 9654 96-Core Processor", thisCpu, described: false, thisMachine: false })).toBe("other");
    expect(whichMachine({ named: "13th Gen Intel(R) Core(TM) i3-1315U", thisCpu, described: true, thisMachine: false })).toBe("other");
    expect(whichMachine({ named: null, thisCpu, described: false, thisMachine: true })).toBe("this");
    expect(() => whichMachine({ named: null, thisCpu, described: false, thisMachine: false })).toThrow(MachineError);
    expect(() => whichMachine({ named: "AMD EPYC 9654", thisCpu, described: false, thisMachine: true })).toThrow(/not this machine's/);
  });

  it("another machine: its CPU tidied, its GPUs, OS and RAM unknown; a table naming no CPU needs a device name", () => {
    const d = importedDevice({ backend: "cuda", cpuInfo: "13th Gen Intel(R) Core(TM) i9-13900K", gpuInfo: "NVIDIA GeForce RTX 4090, NVIDIA GeForce RTX 3090" }, { cores: 24 });
    expect(d).toMatchObject({ vendor: "Intel", model: "Intel Core i9-13900K", name: null, os: { platform: "unknown" }, ramBytes: null, backend: "cuda", cpu: { model: "Intel Core i9-13900K", cores: 24 } });
    expect(d.gpus.map((g) => [g.vendor, g.model])).toEqual([
      ["NVIDIA", "NVIDIA GeForce RTX 4090"],
      ["NVIDIA", "NVIDIA GeForce RTX 3090"],
    ]);
    expect(() => importedDevice({ backend: "rocm", cpuInfo: "", gpuInfo: "" }, {})).toThrow(MachineError);
    expect(importedDevice({ backend: "rocm", cpuInfo: "", gpuInfo: "" }, { deviceName: "lab box", gpus: ["AMD Instinct MI300X"] })).toMatchObject({ model: "lab box", cpu: { model: "unknown", cores: 1 }, gpus: [{ vendor: "AMD" }] });
  });
});
