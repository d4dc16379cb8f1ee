/**
 * Results reported in the literature. Shown labelled "reported" with their source, never mixed
 * into measured rankings.
 */
export interface ReportedResult {
  device: string;
  model: string;
  quantization: string;
  engine: string;
  decodeTokensPerSec: number | null;
  decodeJPerToken: number | null;
  /** What the reported J/token covers, as far as the source says (never our scope labels by guess). */
  energyScope: string | null;
  memoryBytes: number | null;
  note: string;
  source: string;
}

export const REPORTED_RESULTS: ReportedResult[] = [
  { device: "iPhone 14 (A16 Bionic)", model: "phi-3-mini 3.8B", quantization: "4-bit", engine: "not stated", decodeTokensPerSec: 12, decodeJPerToken: null, energyScope: null, memoryBytes: 1.8e9, note: "more than 12 tokens/s, fully offline, ~1.8 GB", source: "Abdin et al., Phi-3 Technical Report, arXiv 2404.14219" },
  { device: "Samsung Galaxy S25 Ultra (CPU)", model: "Qwen2.5-1.5B", quantization: "4-bit", engine: "llama.cpp", decodeTokensPerSec: null, decodeJPerToken: 0.93, energyScope: "whole phone, run minus idle (meter not stated here)", memoryBytes: null, note: "whole run minus idle", source: "eziyoo/LLMs-on-Devices, data/aggregated/final_results.csv" },
  { device: "Samsung Galaxy S25 Ultra (CPU)", model: "Llama-3.1-8B", quantization: "4-bit", engine: "llama.cpp", decodeTokensPerSec: null, decodeJPerToken: 2.92, energyScope: "whole phone, run minus idle (meter not stated here)", memoryBytes: null, note: "whole run minus idle", source: "eziyoo/LLMs-on-Devices, data/aggregated/final_results.csv" },
  { device: "Laptop GPU, RTX 4050", model: "Qwen2.5-1.5B", quantization: "4-bit", engine: "not stated", decodeTokensPerSec: 131.7, decodeJPerToken: 0.26, energyScope: "power as reported (34.1 W), scope not stated", memoryBytes: null, note: "131.7 tokens/s at 34.1 W", source: "arXiv 2603.23640" },
  { device: "Hailo-10H accelerator", model: "not stated", quantization: "not stated", engine: "Hailo", decodeTokensPerSec: 6.9, decodeJPerToken: 0.29, energyScope: "accelerator power as reported (under 2 W)", memoryBytes: null, note: "6.9 tokens/s under 2 W", source: "arXiv 2603.23640" },
];

/** The leaderboard's model size classes (parameters, [from, below)): its Size filter and the home chart's neighbours. */
export const SIZE_CLASSES = { "<1B": [0, 1e9], "1-3B": [1e9, 3e9], "3-8B": [3e9, 8e9], ">8B": [8e9, 1e15] } as const;
export type SizeClass = keyof typeof SIZE_CLASSES;

/** The size class of a model with `parameterCount` parameters (null: unknown). */
export function sizeClassOf(parameterCount: number | null | undefined): SizeClass | null {
  if (parameterCount == null || !Number.isFinite(parameterCount) || parameterCount <= 0) return null;
  for (const [k, [lo, hi]] of Object.entries(SIZE_CLASSES)) if (parameterCount >= lo && parameterCount < hi) return k as SizeClass;
  return null;
}

/**
 * llama-bench results their authors published (issues and pull requests of llama.cpp and others),
 * one row of each table as printed: the home chart places this machine among them by model size
 * class, labelled "reported" with the link. Never stored as results, never ranked. The tables
 * themselves are kept in tests/fixtures/llama-bench/public (with the URL on their first line), and
 * tests/unit/reported.test.ts checks every figure here against them.
 */
export interface ReportedBenchResult {
  device: string;
  /** The model as llama-bench names it (its type line). */
  model: string;
  parameterCount: number;
  backend: string;
  workloadId: "tg128";
  tokensPerSec: number;
  /** Where it was published. */
  source: string;
  /** The fixture file holding the table (tests check the figure against it). */
  fixture: string;
}

export const REPORTED_LLAMA_BENCH: ReportedBenchResult[] = [
  { device: "AMD Radeon RX 570", model: "gemma3 1B IQ1_S - 1.5625 bpw", parameterCount: 999.89e6, backend: "ROCm", workloadId: "tg128", tokensPerSec: 53.55, source: "https://github.com/ollama/ollama/issues/2453", fixture: "rocm-amd-radeon-rx-570.md" },
  { device: "Cix CP8180 (12 threads)", model: "llama 1B Q4_K - Medium", parameterCount: 1.1e9, backend: "CPU", workloadId: "tg128", tokensPerSec: 40.39, source: "https://github.com/geerlingguy/ai-benchmarks/issues/51", fixture: "cpu-arm-cix-cp8180.md" },
  { device: "Apple M5", model: "llama 1B Q4_0", parameterCount: 1.1e9, backend: "Metal", workloadId: "tg128", tokensPerSec: 149.69, source: "https://github.com/ggml-org/llama.cpp/pull/16634", fixture: "metal-apple-m5-metal4-pr.md" },
  { device: "Apple M5", model: "phi2 3B Q4_0", parameterCount: 2.78e9, backend: "Metal", workloadId: "tg128", tokensPerSec: 64.11, source: "https://github.com/ggml-org/llama.cpp/pull/16634", fixture: "metal-apple-m5-metal4-pr.md" },
  { device: "Intel Core i3-1315U (2 threads)", model: "llama 3B Q4_K - Medium", parameterCount: 3.21e9, backend: "CPU", workloadId: "tg128", tokensPerSec: 11.05, source: "https://github.com/geerlingguy/sbc-reviews/issues/107", fixture: "cpu-x86-intel-core-i3-1315u.md" },
  { device: "AMD Radeon RX 580 (SiFive P550 host)", model: "llama 3B Q4_K - Medium", parameterCount: 3.21e9, backend: "Vulkan", workloadId: "tg128", tokensPerSec: 36.23, source: "https://github.com/geerlingguy/ai-benchmarks/issues/20", fixture: "vulkan-amd-radeon-rx-580.md" },
  { device: "NVIDIA GeForce RTX 2070", model: "qwen3 4B Q4_K - Medium", parameterCount: 4.02e9, backend: "Vulkan", workloadId: "tg128", tokensPerSec: 35.87, source: "https://github.com/ggml-org/llama.cpp/pull/13324", fixture: "vulkan-nvidia-rtx-2070-fa.md" },
  { device: "NVIDIA GeForce RTX 3090 Ti", model: "llama 7B Q4_0", parameterCount: 6.74e9, backend: "CUDA", workloadId: "tg128", tokensPerSec: 127.43, source: "https://github.com/ggml-org/llama.cpp/pull/4812", fixture: "cuda-nvidia-rtx-3090-ti-nkvo.md" },
  { device: "NVIDIA GeForce RTX 4090", model: "llama 7B Q8_0", parameterCount: 6.74e9, backend: "CUDA", workloadId: "tg128", tokensPerSec: 98.13, source: "https://github.com/ggml-org/llama.cpp/pull/4766", fixture: "cuda-nvidia-rtx-4090-cublas.md" },
  { device: "Apple M2 Ultra", model: "LLaMA 7B mostly Q4_0", parameterCount: 6.74e9, backend: "Metal", workloadId: "tg128", tokensPerSec: 88.54, source: "https://github.com/ggml-org/llama.cpp/pull/2917", fixture: "metal-apple-m2-ultra-2023.md" },
  { device: "MacBook Air (Apple M2)", model: "llama 7B Q4_0", parameterCount: 7.24e9, backend: "Metal", workloadId: "tg128", tokensPerSec: 20.06, source: "https://github.com/ggml-org/llama.cpp/issues/5480", fixture: "metal-apple-m2-air-rendered.md" },
  { device: "AMD Radeon RX 6800 XT", model: "llama 13B Q6_K", parameterCount: 13.02e9, backend: "Vulkan", workloadId: "tg128", tokensPerSec: 34.13, source: "https://github.com/ggml-org/llama.cpp/pull/2059", fixture: "mixed-amd-radeon-rx-6800-xt-opencl-vulkan-rocm.md" },
  { device: "AMD Radeon RX 7900 XT (Raspberry Pi 5 host)", model: "qwen2 14B Q4_K - Medium", parameterCount: 14.77e9, backend: "Vulkan", workloadId: "tg128", tokensPerSec: 7.16, source: "https://github.com/geerlingguy/ai-benchmarks/issues/23", fixture: "vulkan-amd-radeon-rx-7900-xt-two-devices.md" },
];

/** Reported figures of `workloadId` for models of the same size class as `parameterCount` (none when it is unknown). */
export function reportedNeighbours(parameterCount: number | null | undefined, workloadId: string): ReportedBenchResult[] {
  const mine = sizeClassOf(parameterCount);
  if (!mine) return [];
  return REPORTED_LLAMA_BENCH.filter((r) => r.workloadId === workloadId && sizeClassOf(r.parameterCount) === mine);
}
