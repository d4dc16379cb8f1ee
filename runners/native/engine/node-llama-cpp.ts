/**
 * node-llama-cpp (llama.cpp) engine. Prompt tokens are pseudo-random ids from the vocabulary, as
 * llama-bench uses; generation samples every token from the logits (greedy), with end-of-generation
 * banned so that `tgN` always decodes N tokens.
 */
import {
  getLlama,
  LlamaLogLevel,
  TokenBias,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";
import type { Backend, EngineInfo, TopKEntry } from "../../../lib/core/contracts/submission";
import { FINGERPRINT_TOP_K, topKOf } from "../../../lib/core/measure/fingerprint";
import type { EngineMemory, EngineUsed, FingerprintDecode, InferenceEngine } from "./types";

export const NODE_LLAMA_CPP_VERSION = "3.21.1";

export interface LlamaEngineOptions {
  modelPath: string;
  /** cpu, or a GPU backend; "auto" lets node-llama-cpp pick the best that works. */
  backend: Backend | "auto";
  /** Default: llama.cpp's math cores (physical, performance cores), as llama-bench. */
  threads?: number;
  gpuLayers?: number;
  batchSize?: number;
  /** Context tokens per sequence. */
  contextSize: number;
  /** Parallel sequences (a batched workload's B); default 1. Each has its own contextSize of KV cache. */
  sequences?: number;
  /** Default "auto", as llama.cpp and llama-bench (on for CPU in this release). */
  flashAttention?: boolean | "auto";
  /** `local`: the build made on this device from node-llama-cpp's bundled llama.cpp source. */
  build?: "auto" | "local";
}

export async function loadLlama(o: Pick<LlamaEngineOptions, "backend" | "build" | "threads">): Promise<Llama> {
  const gpu = o.backend === "cpu" ? false : o.backend === "auto" ? "auto" : (o.backend as "cuda" | "vulkan" | "metal");
  if (o.build === "local") {
    const llama = await getLlama("lastBuild", { logLevel: LlamaLogLevel.error, usePrebuiltBinaries: false });
    return llama;
  }
  return getLlama({ gpu, build: "never", logLevel: LlamaLogLevel.error, maxThreads: o.threads });
}

/**
 * Resolves for everyone when all `parties` have arrived; then again for the next round. A party that
 * stops early calls `leave()`, so the others never wait for it.
 */
export function stepBarrier(parties: number): { arrive(): Promise<void>; leave(): void } {
  let arrived = 0;
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => (release = r));
  const openIfAll = () => {
    if (arrived < parties || arrived === 0) return;
    arrived = 0;
    const open = release;
    gate = new Promise<void>((r) => (release = r));
    open();
  };
  return {
    arrive() {
      const current = gate;
      arrived++;
      openIfAll();
      return current;
    },
    leave() {
      parties--;
      openIfAll();
    },
  };
}

/** A deterministic pseudo-random generator (LCG), so runs evaluate the same token ids. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

export class NodeLlamaCppEngine implements InferenceEngine {
  readonly info: EngineInfo;
  readonly used: EngineUsed;
  private readonly rand = lcg(42);
  private readonly tokenBias: TokenBias;
  private readonly vocabSize: number;

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly seqs: LlamaContextSequence[],
    private vramUsed: number | null,
  ) {
    this.used = {
      backend: (llama.gpu || "cpu") as Backend,
      threads: context.currentThreads,
      gpuLayers: model.gpuLayers,
      batchSize: context.batchSize,
      flashAttention: context.flashAttention,
      useMmap: false,
    };
    this.info = {
      name: "node-llama-cpp",
      version: NODE_LLAMA_CPP_VERSION,
      build: `${llama.buildType}; llama.cpp ${llama.llamaCppRelease.release}; ${llama.gpu || "cpu"}`,
    };
    this.tokenBias = new TokenBias(model.tokenizer);
    for (const t of [model.tokens.eos, model.tokens.eot].filter((x): x is Token => x != null)) {
      this.tokenBias.set(t, "never");
    }
    const embd = model.fileInfo.tensorInfo?.find((t) => t.name === "token_embd.weight");
    this.vocabSize = Number(embd?.dimensions[1] ?? model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 256);
  }

  static async create(o: LlamaEngineOptions): Promise<NodeLlamaCppEngine> {
    const llama = await loadLlama(o);
    // Without mmap: llama.cpp repacks Q4_0 for AVX beside the mapping, doubling memory with mmap.
    const model = await llama.loadModel({ modelPath: o.modelPath, useMmap: false, gpuLayers: o.gpuLayers ?? (llama.gpu ? "max" : 0) });
    const sequences = o.sequences ?? 1;
    const context = await model.createContext({
      contextSize: o.contextSize,
      sequences,
      // One decode step of a batch holds one token per sequence: the batch must take them all at once.
      batchSize: o.batchSize ?? Math.max(Math.min(512, o.contextSize * sequences), sequences),
      threads: { ideal: o.threads ?? llama.cpuMathCores, min: o.threads ?? llama.cpuMathCores },
      flashAttention: o.flashAttention ?? "auto",
    });
    let vram: number | null = null;
    if (llama.gpu) vram = (await llama.getVramState()).used;
    const seqs = Array.from({ length: sequences }, () => context.getSequence());
    return new NodeLlamaCppEngine(llama, model, context, seqs, vram);
  }

  private promptTokens(n: number): Token[] {
    // Skip the first ids (special tokens) as llama-bench effectively does with random ids.
    const lo = Math.min(3, this.vocabSize - 1);
    return Array.from({ length: n }, () => (lo + (this.rand() % (this.vocabSize - lo))) as Token);
  }

  get sequences(): number {
    return this.seqs.length;
  }

  async reset() {
    await Promise.all(this.seqs.map((s) => s.clearHistory()));
  }

  /**
   * Every sequence at once: node-llama-cpp gathers the evaluations queued in one tick into one
   * llama_decode (its batching dispatcher), as llama-batched-bench decodes B sequences together.
   */
  async prefill(n: number) {
    await Promise.all(this.seqs.map((s) => s.evaluateWithoutGeneratingNewTokens(this.promptTokens(n))));
  }

  async generate(n: number, onFirstToken?: (sequence: number) => void, onToken?: () => boolean) {
    // A barrier per step: no sequence asks for its next token before every sequence has its current
    // one. node-llama-cpp samples the sequences one after another on the libuv thread and dispatches a
    // batch on the next event-loop cycle, so without it some steps split into two decodes (147
    // decodes for 128 steps at B=8); with it, one decode per step, as llama-batched-bench.
    const step = stepBarrier(this.seqs.length);
    const counts = await Promise.all(
      this.seqs.map(async (seq, k) => {
        let count = 0;
        try {
          for await (const _ of seq.evaluate(this.promptTokens(1), { temperature: 0, tokenBias: this.tokenBias, yieldEogToken: true })) {
            if (count === 0) onFirstToken?.(k);
            const more = onToken && k === 0 ? onToken() : true;
            if (++count >= n || !more) break;
            if (this.seqs.length > 1) await step.arrive();
          }
        } finally {
          step.leave();
        }
        return count;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  async firstToken(prompt: string) {
    const tokens = this.model.tokenize(prompt, false);
    const withBos = this.model.tokens.bos != null ? [this.model.tokens.bos, ...tokens] : tokens;
    for await (const _ of this.seqs[0]!.evaluate(withBos, { temperature: 0, tokenBias: this.tokenBias, yieldEogToken: true })) break;
    return withBos.length;
  }

  /**
   * Greedy decoding as `generate` (the same sampler: temperature 0, end-of-generation banned), with
   * every position's full distribution asked for so that its top candidates are recorded. Asking
   * for probabilities does not change the choice: llama.cpp's greedy sampler picks the arg-max
   * first, node-llama-cpp then sorts the candidates and softmaxes the (bias-applied) logits.
   */
  async fingerprint(prompt: string, n: number): Promise<FingerprintDecode> {
    const seq = this.seqs[0]!;
    await seq.clearHistory();
    const tokens = this.model.tokenize(prompt, false);
    const withBos = this.model.tokens.bos != null && this.model.tokens.shouldPrependBosToken ? [this.model.tokens.bos, ...tokens] : tokens;
    const tokenIds: number[] = [];
    const topK: TopKEntry[] = [];
    for await (const out of seq.evaluateWithMetadata(withBos, { probabilities: true }, { temperature: 0, tokenBias: this.tokenBias })) {
      tokenIds.push(out.token);
      topK.push(topKOf(out.probabilities, FINGERPRINT_TOP_K));
      if (tokenIds.length >= n) break;
    }
    await seq.clearHistory();
    return { promptTokens: withBos.length, tokenIds, topK };
  }

  memory(): EngineMemory {
    return { modelBytes: this.model.size, kvBytes: this.context.stateSize, vramBytes: this.vramUsed };
  }

  async refreshVram() {
    if (this.llama.gpu) this.vramUsed = (await this.llama.getVramState()).used;
  }

  async dispose() {
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}
