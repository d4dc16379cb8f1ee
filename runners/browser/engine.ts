/**
 * The system under test in a browser. Browser engines expose completions, not single decodes, so
 * a workload is one completion request, timed by the engine's own prefill/decode statistics
 * (llama.cpp's timings in wllama, web-llm's usage.extra) plus the wall clock around the call.
 */
import type { Backend, EngineInfo, WebGpuInfo } from "../../lib/core/contracts/submission";

export interface CompletionTiming {
  /** Prompt tokens the engine evaluated (its own count, BOS included). */
  promptTokens: number;
  /** Prefill time of those tokens, ms. */
  promptMs: number;
  /** Tokens generated. The first is sampled from the prompt's logits (part of the prefill). */
  genTokens: number;
  /** Decode steps after the first token (genTokens - 1): what genMs times. */
  decodes: number;
  /** Time of those decode steps, ms. */
  genMs: number;
  /** Wall-clock time of the whole request as the page saw it, ms. */
  wallMs: number;
}

export interface BrowserEngine {
  readonly info: EngineInfo;
  readonly backend: Extract<Backend, "wasm" | "webgpu">;
  /** Threads the engine really uses (wasm), or null. */
  readonly threads: number | null;
  readonly contextSize: number;
  /** The WebGPU adapter and where the model went, for a GPU engine (null for a CPU one). */
  readonly webgpu?: WebGpuInfo | null;
  /** Greedy token ids of `prompt` (the correctness fingerprint); absent where the engine has no GGUF ids. */
  fingerprint?(prompt: string, tokens: number): Promise<{ promptTokens: number; tokenIds: number[] }>;
  /** Greedy completion of `prompt`, exactly `maxTokens` tokens (end of generation ignored). */
  complete(prompt: string, maxTokens: number): Promise<CompletionTiming>;
  dispose(): Promise<void>;
}

export class BrowserBenchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BrowserBenchError";
  }
}

/**
 * A WebAssembly engine that aborted (out of memory, a trap, an exception inside the module) is
 * dead: the workload is a `crash`, and the runner loads a fresh engine for the next one.
 */
export function isEngineCrash(message: string): boolean {
  return /crashed|abort|RuntimeError|unreachable|Invalid typed array length|out of memory/i.test(message);
}
