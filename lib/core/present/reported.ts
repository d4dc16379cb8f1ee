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
