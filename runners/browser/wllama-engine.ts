/**
 * wllama (llama.cpp compiled to WebAssembly) on a GGUF file served by this app, in two engines:
 * - wasm: the CPU threads (n_gpu_layers 0), which works offline and where WebGPU is missing;
 * - webgpu: llama.cpp's WebGPU backend (all layers asked for the GPU). llama.cpp registers no WebGPU
 *   device when the adapter lacks shader-f16 (ggml-webgpu.cpp requires it) and then loads every
 *   tensor on the CPU without an error, so where the weights and the KV cache went is read from
 *   llama.cpp's load log ("<device> model buffer size = N MiB"), and a run that fell back is a wasm
 *   run, with the reason.
 * Timings are llama.cpp's own (prompt_ms, predicted_ms from its server loop), the same code that
 * times native llama.cpp.
 */
import { Wllama } from "@wllama/wllama";
import { version as WLLAMA_PACKAGE_VERSION } from "@wllama/wllama/package.json";
import type { WebGpuInfo } from "../../lib/core/contracts/submission";
import { BrowserBenchError, type BrowserEngine, type CompletionTiming } from "./engine";
import { webgpuOfProbe, type WebGpuProbe } from "./webgpu-bench";

/** The installed version (package.json pins it exactly). */
export const WLLAMA_VERSION: string = WLLAMA_PACKAGE_VERSION;

export interface WllamaOptions {
  /** Same-origin URL of wllama.wasm. */
  wasmUrl: string;
  /** Same-origin URL of the GGUF file. */
  modelUrl: string;
  threads: number;
  contextSize: number;
  /** 0: the CPU (wasm); more: ask llama.cpp's WebGPU backend for that many layers (999: all). */
  gpuLayers: number;
  /** This browser's WebGPU probe: says why a GPU run fell back, and is recorded with it. */
  probe?: WebGpuProbe;
  onLoadProgress?: (loadedBytes: number, totalBytes: number) => void;
}

interface Timings {
  prompt_n: number;
  prompt_ms: number;
  predicted_n: number;
  predicted_ms: number;
}

const MiB = 2 ** 20;

/** Bytes per device of the model weights and the KV cache, from llama.cpp's load log. */
export function placementFromLog(lines: readonly string[]): NonNullable<WebGpuInfo["placement"]> {
  const out = { modelGpuBytes: 0, modelCpuBytes: 0, kvGpuBytes: 0, kvCpuBytes: 0 };
  for (const l of lines) {
    const m = /(\S+)\s+(model|KV) buffer size\s*=\s*([\d.]+) MiB/.exec(l);
    if (!m) continue;
    const onCpu = /^CPU/i.test(m[1]!);
    const bytes = Math.round(Number(m[3]) * MiB);
    if (m[2] === "model") out[onCpu ? "modelCpuBytes" : "modelGpuBytes"] += bytes;
    else out[onCpu ? "kvCpuBytes" : "kvGpuBytes"] += bytes;
  }
  return out;
}

/** Why llama.cpp's WebGPU backend left the model on the CPU, in words for the run page. */
export function fallbackReason(probe: WebGpuProbe | undefined): string {
  if (!probe?.available) return `this browser offers no WebGPU adapter (${probe?.reason ?? "not probed"}): every layer ran on the CPU (wasm)`;
  const name = [probe.adapter?.vendor, probe.adapter?.architecture].filter(Boolean).join(" ") || "this adapter";
  if (!probe.features.includes("shader-f16")) return `the WebGPU adapter (${name}) lacks shader-f16, which llama.cpp's WebGPU backend requires: every layer ran on the CPU (wasm)`;
  return `llama.cpp's WebGPU backend put no weights on the adapter (${name}): every layer ran on the CPU (wasm)`;
}

export class WllamaEngine implements BrowserEngine {
  readonly info;

  private constructor(
    private readonly w: Wllama,
    readonly threads: number,
    readonly contextSize: number,
    readonly backend: "wasm" | "webgpu",
    readonly webgpu: WebGpuInfo | null,
  ) {
    this.info = { name: "wllama" as const, version: WLLAMA_VERSION, build: `llama.cpp ${Wllama.getLibllamaVersion()}; ${backend === "webgpu" ? "webgpu" : `wasm${w.isMultithread() ? " threads" : " single-thread"}`}` };
  }

  static async create(o: WllamaOptions): Promise<WllamaEngine> {
    const res = await fetch(o.modelUrl).catch((e: Error) => {
      throw new BrowserBenchError(`cannot reach the model file at ${o.modelUrl}: ${e.message}`);
    });
    if (!res.ok) throw new BrowserBenchError(`the model file at ${o.modelUrl} answered HTTP ${res.status}`);
    const total = Number(res.headers.get("content-length") ?? 0);
    const blob = await readWithProgress(res, total, o.onLoadProgress);
    // llama.cpp's log (info level) says where each buffer went; nothing else of it is kept. The CPU
    // engine needs none of it and keeps the native log off (fewer messages from the worker).
    const log: string[] = [];
    const keep = (...a: unknown[]) => {
      const line = a.map(String).join(" ");
      if (/buffer size|ggml_webgpu|WebGPU/i.test(line) && log.length < 200) log.push(line);
    };
    // setCompat(null): the constructor otherwise points a fallback build at a CDN.
    const w = new Wllama({ default: o.wasmUrl }, o.gpuLayers === 0 ? { suppressNativeLog: true } : { logger: { debug: keep, log: keep, warn: keep, error: keep } });
    w.setCompat(null);
    try {
      await w.loadModel([blob], { n_ctx: o.contextSize, n_batch: Math.min(512, o.contextSize), n_threads: o.threads, n_gpu_layers: o.gpuLayers, seed: 42 });
    } catch (e) {
      throw new BrowserBenchError(`wllama could not load the model: ${(e as Error).message}`);
    }
    if (o.gpuLayers === 0) return new WllamaEngine(w, w.getNumThreads(), o.contextSize, "wasm", null);
    const placement = placementFromLog(log);
    const onGpu = (placement.modelGpuBytes ?? 0) > 0;
    const p = o.probe;
    const webgpu: WebGpuInfo = {
      ...webgpuOfProbe(p),
      requestedGpuLayers: o.gpuLayers,
      placement,
      fallbackReason: onGpu ? null : fallbackReason(p),
    };
    return new WllamaEngine(w, w.getNumThreads(), o.contextSize, onGpu ? "webgpu" : "wasm", webgpu);
  }

  /** Greedy token ids of `prompt` (the correctness fingerprint), from llama.cpp's own sampled ids. */
  async fingerprint(prompt: string, tokens: number): Promise<{ promptTokens: number; tokenIds: number[] }> {
    const r = (await this.w.createCompletion({
      prompt,
      max_tokens: tokens,
      temperature: 0,
      cache_prompt: false,
      ignore_eos: true,
      n_probs: 1,
    } as Parameters<Wllama["createCompletion"]>[0] & { stream?: false })) as unknown as { timings?: Timings; choices?: { logprobs?: { content?: { id: number }[] } }[] };
    const ids = r.choices?.[0]?.logprobs?.content?.map((c) => c.id) ?? [];
    if (ids.length !== tokens || !ids.every((id) => Number.isInteger(id) && id >= 0)) throw new BrowserBenchError(`wllama returned ${ids.length} token ids for the fingerprint, not ${tokens}`);
    return { promptTokens: r.timings?.prompt_n ?? 0, tokenIds: ids };
  }

  async complete(prompt: string, maxTokens: number): Promise<CompletionTiming> {
    const t0 = performance.now();
    // The wasm server takes llama-server's completion fields: ignore_eos so tgN decodes N tokens,
    // cache_prompt false so every repetition evaluates its whole prompt.
    const r = (await this.w.createCompletion({
      prompt,
      max_tokens: maxTokens,
      temperature: 0,
      cache_prompt: false,
      ignore_eos: true,
    } as Parameters<Wllama["createCompletion"]>[0] & { stream?: false })) as unknown as { timings?: Timings };
    const wallMs = performance.now() - t0;
    const t = r.timings;
    if (!t) throw new BrowserBenchError("wllama returned no timings");
    // llama-server starts its generation clock after sampling the first token from the prompt's
    // logits (1 token -> predicted_ms ~0): predicted_ms times predicted_n - 1 decode steps.
    return { promptTokens: t.prompt_n, promptMs: t.prompt_ms, genTokens: t.predicted_n, decodes: Math.max(0, t.predicted_n - 1), genMs: t.predicted_ms, wallMs };
  }

  async dispose() {
    await this.w.exit();
  }
}

async function readWithProgress(res: Response, total: number, onProgress?: (loaded: number, total: number) => void): Promise<Blob> {
  if (!res.body || !onProgress) return res.blob();
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loaded += value.byteLength;
    onProgress(loaded, total);
  }
  return new Blob(parts as BlobPart[]);
}
