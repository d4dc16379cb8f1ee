/**
 * wllama (llama.cpp compiled to WebAssembly) on a GGUF file served by this app: the CPU path that
 * works offline and where WebGPU is missing. Timings are llama.cpp's own (prompt_ms, predicted_ms
 * from its server loop), the same code that times native llama.cpp.
 */
import { Wllama } from "@wllama/wllama";
import { BrowserBenchError, type BrowserEngine, type CompletionTiming } from "./engine";

/** The installed version (package.json pins it exactly). */
export const WLLAMA_VERSION = "3.13.0";

export interface WllamaOptions {
  /** Same-origin URL of wllama.wasm. */
  wasmUrl: string;
  /** Same-origin URL of the GGUF file. */
  modelUrl: string;
  threads: number;
  contextSize: number;
  onLoadProgress?: (loadedBytes: number, totalBytes: number) => void;
}

interface Timings {
  prompt_n: number;
  prompt_ms: number;
  predicted_n: number;
  predicted_ms: number;
}

export class WllamaEngine implements BrowserEngine {
  readonly backend = "wasm" as const;
  readonly info;

  private constructor(
    private readonly w: Wllama,
    readonly threads: number,
    readonly contextSize: number,
  ) {
    this.info = { name: "wllama" as const, version: WLLAMA_VERSION, build: `llama.cpp ${Wllama.getLibllamaVersion()}; wasm${w.isMultithread() ? " threads" : " single-thread"}` };
  }

  static async create(o: WllamaOptions): Promise<WllamaEngine> {
    const res = await fetch(o.modelUrl).catch((e: Error) => {
      throw new BrowserBenchError(`cannot reach the model file at ${o.modelUrl}: ${e.message}`);
    });
    if (!res.ok) throw new BrowserBenchError(`the model file at ${o.modelUrl} answered HTTP ${res.status}`);
    const total = Number(res.headers.get("content-length") ?? 0);
    const blob = await readWithProgress(res, total, o.onLoadProgress);
    // setCompat(null): the constructor otherwise points a fallback build at a CDN.
    const w = new Wllama({ default: o.wasmUrl }, { suppressNativeLog: true });
    w.setCompat(null);
    try {
      await w.loadModel([blob], { n_ctx: o.contextSize, n_batch: Math.min(512, o.contextSize), n_threads: o.threads, n_gpu_layers: 0, seed: 42 });
    } catch (e) {
      throw new BrowserBenchError(`wllama could not load the model: ${(e as Error).message}`);
    }
    return new WllamaEngine(w, w.getNumThreads(), o.contextSize);
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
