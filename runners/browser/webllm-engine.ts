/**
 * @mlc-ai/web-llm on WebGPU, from model artifacts at a configurable base URL (this server can host
 * them, so a phone on a LAN needs no internet). Layout under the base, mirroring Hugging Face:
 *   <base>/<model_id>/resolve/main/mlc-chat-config.json, tensor-cache.json, params shards, tokenizer
 *   <base>/libs/<model lib file name of web-llm's prebuilt config>, e.g. SmolLM2-135M-Instruct-q0f32_cs1k-webgpu.wasm
 * Timings are web-llm's own statistics (usage.extra prefill/decode tokens/s) and the wall clock.
 */
import type { ModelInfo } from "../../lib/core/contracts/submission";
import { BrowserBenchError, type BrowserEngine, type CompletionTiming } from "./engine";
import type { MLCEngineInterface } from "@mlc-ai/web-llm";

export const WEBLLM_VERSION = "0.2.86";

export interface WebLlmTarget {
  modelId: string;
  /** Absolute base URL without a trailing slash. */
  baseUrl: string;
}

export function webLlmUrls(t: WebLlmTarget, modelLibFile: string) {
  const model = `${t.baseUrl}/${t.modelId}`;
  return { model, config: `${model}/resolve/main/mlc-chat-config.json`, tensorCache: `${model}/resolve/main/tensor-cache.json`, modelLib: `${t.baseUrl}/libs/${modelLibFile}` };
}

/** q4f16_1, q0f16: weights or activations in f16 need the adapter's shader-f16 feature. */
export function needsShaderF16(modelId: string, requiredFeatures: readonly string[] = []): boolean {
  return requiredFeatures.includes("shader-f16") || /-q\d+f16/i.test(modelId);
}

/** What web-llm's prebuilt list says of a model id: its library and the model it names. */
export async function prebuiltRecord(modelId: string) {
  const { prebuiltAppConfig } = await import("@mlc-ai/web-llm");
  const rec = prebuiltAppConfig.model_list.find((r) => r.model_id === modelId);
  if (!rec) {
    const some = prebuiltAppConfig.model_list.filter((r) => /SmolLM2|Qwen2\.5-0\.5B|Llama-3\.2-1B/.test(r.model_id)).map((r) => r.model_id);
    throw new BrowserBenchError(`"${modelId}" is not a model id web-llm ${WEBLLM_VERSION} knows; e.g. ${some.slice(0, 4).join(", ")}`);
  }
  return rec;
}

/**
 * Checks, before any download, that the adapter can run the model and that its artifacts are
 * reachable; returns the model's description for the submission.
 */
export async function preflightWebLlm(t: WebLlmTarget, adapterFeatures: readonly string[]): Promise<{ info: ModelInfo; modelLibFile: string }> {
  const rec = await prebuiltRecord(t.modelId);
  if (needsShaderF16(t.modelId, rec.required_features) && !adapterFeatures.includes("shader-f16")) {
    throw new BrowserBenchError(`${t.modelId} computes in f16 and needs the WebGPU feature shader-f16, which this adapter lacks: choose a q4f32 or q0f32 model`);
  }
  const modelLibFile = rec.model_lib.split("/").pop()!;
  const urls = webLlmUrls(t, modelLibFile);
  const get = async (url: string, method: "GET" | "HEAD") => {
    const r = await fetch(url, { method }).catch((e: Error) => {
      throw new BrowserBenchError(`web-llm model artifacts cannot be reached: ${url} (${e.message}). Host them under ${t.baseUrl} (see /run for the layout) or set another base URL`);
    });
    if (!r.ok) throw new BrowserBenchError(`web-llm model artifacts cannot be reached: ${url} answered HTTP ${r.status}. Host them under ${t.baseUrl} (see /run for the layout) or set another base URL`);
    return r;
  };
  await get(urls.config, "GET");
  await get(urls.modelLib, "HEAD");
  const cache = (await (await get(urls.tensorCache, "GET")).json()) as { records?: { nbytes?: number }[] };
  const fileBytes = (cache.records ?? []).reduce((a, r) => a + (r.nbytes ?? 0), 0);
  const m = /^(.*?)-(q\d+f\d+(?:_\d+)?)-MLC/.exec(t.modelId);
  return {
    modelLibFile,
    info: {
      name: m?.[1] ?? t.modelId,
      family: null,
      parameterCount: null,
      quantization: m?.[2] ?? "unknown",
      fileBytes: Math.max(1, fileBytes),
      sha256: null,
      weights: "real",
      source: urls.model,
      // MLC's tensor cache lists shards, not the GGUF-style tensor layout: unknown.
      weightsReadPerTokenBytes: null,
      kvBytesPerToken: null,
    },
  };
}

interface UsageExtra {
  prefill_tokens_per_s: number;
  decode_tokens_per_s: number;
}

export class WebLlmEngine implements BrowserEngine {
  readonly backend = "webgpu" as const;
  readonly threads = null;
  readonly info = { name: "web-llm" as const, version: WEBLLM_VERSION, build: null as string | null };

  private constructor(
    private readonly engine: MLCEngineInterface,
    readonly contextSize: number,
    modelLibFile: string,
  ) {
    this.info.build = modelLibFile;
  }

  static async create(t: WebLlmTarget, modelLibFile: string, contextSize: number, onProgress?: (text: string, fraction: number) => void): Promise<WebLlmEngine> {
    const webllm = await import("@mlc-ai/web-llm");
    const rec = await prebuiltRecord(t.modelId);
    const urls = webLlmUrls(t, modelLibFile);
    try {
      const engine = await webllm.CreateMLCEngine(
        t.modelId,
        {
          appConfig: { model_list: [{ ...rec, model: urls.model, model_lib: urls.modelLib }], cacheBackend: "cache" },
          initProgressCallback: (p) => onProgress?.(p.text, p.progress),
          logLevel: "WARN",
        },
        { context_window_size: contextSize },
      );
      return new WebLlmEngine(engine, contextSize, modelLibFile);
    } catch (e) {
      throw new BrowserBenchError(`web-llm could not load ${t.modelId}: ${(e as Error).message}`);
    }
  }

  async complete(prompt: string, maxTokens: number): Promise<CompletionTiming> {
    const t0 = performance.now();
    const r = await this.engine.completions.create({ prompt, max_tokens: maxTokens, temperature: 0, ignore_eos: true, stream: false });
    const wallMs = performance.now() - t0;
    const u = r.usage as (typeof r.usage & { extra?: UsageExtra }) | undefined;
    if (!u?.extra) throw new BrowserBenchError("web-llm returned no usage statistics");
    // web-llm reports rates; its prefill and decode times follow from its own counts. Its decode
    // rate counts decode steps (forward + sample); the first token comes out of the prefill.
    const decodes = Math.max(0, u.completion_tokens - 1);
    return {
      promptTokens: u.prompt_tokens,
      promptMs: u.extra.prefill_tokens_per_s > 0 ? (u.prompt_tokens / u.extra.prefill_tokens_per_s) * 1000 : 0,
      genTokens: u.completion_tokens,
      decodes,
      genMs: u.extra.decode_tokens_per_s > 0 ? (decodes / u.extra.decode_tokens_per_s) * 1000 : 0,
      wallMs,
    };
  }

  async dispose() {
    await this.engine.unload();
  }
}
