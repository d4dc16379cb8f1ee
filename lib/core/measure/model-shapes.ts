/**
 * Shapes of named small models, for synthetic GGUF files: random weights of a model's exact
 * dimensions and quantization give that model's speed and memory footprint (not its answers).
 * Dimensions from each model's published config.json. All are written with llama.cpp's "llama"
 * architecture; per-architecture extras (Qwen2's q/k/v biases, Phi-3's fused qkv) change the
 * bytes by well under 1%.
 */

export interface ModelShape {
  name: string;
  family: string;
  hiddenSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffnSize: number;
  vocabSize: number;
  /** Input and output embeddings share one matrix (no separate output.weight). */
  tiedEmbeddings: boolean;
  contextLength: number;
  ropeTheta: number;
  rmsEps: number;
}

const shape = (s: ModelShape) => s;

export const MODEL_SHAPES: Record<string, ModelShape> = {
  "smollm2-135m": shape({ name: "SmolLM2-135M", family: "smollm2", hiddenSize: 576, layers: 30, heads: 9, kvHeads: 3, ffnSize: 1536, vocabSize: 49152, tiedEmbeddings: true, contextLength: 8192, ropeTheta: 100000, rmsEps: 1e-5 }),
  "smollm2-360m": shape({ name: "SmolLM2-360M", family: "smollm2", hiddenSize: 960, layers: 32, heads: 15, kvHeads: 5, ffnSize: 2560, vocabSize: 49152, tiedEmbeddings: true, contextLength: 8192, ropeTheta: 100000, rmsEps: 1e-5 }),
  "qwen2.5-0.5b": shape({ name: "Qwen2.5-0.5B", family: "qwen2.5", hiddenSize: 896, layers: 24, heads: 14, kvHeads: 2, ffnSize: 4864, vocabSize: 151936, tiedEmbeddings: true, contextLength: 32768, ropeTheta: 1000000, rmsEps: 1e-6 }),
  "llama-3.2-1b": shape({ name: "Llama-3.2-1B", family: "llama3.2", hiddenSize: 2048, layers: 16, heads: 32, kvHeads: 8, ffnSize: 8192, vocabSize: 128256, tiedEmbeddings: true, contextLength: 131072, ropeTheta: 500000, rmsEps: 1e-5 }),
  "tinyllama-1.1b": shape({ name: "TinyLlama-1.1B", family: "llama", hiddenSize: 2048, layers: 22, heads: 32, kvHeads: 4, ffnSize: 5632, vocabSize: 32000, tiedEmbeddings: false, contextLength: 2048, ropeTheta: 10000, rmsEps: 1e-5 }),
  "phi-3-mini-3.8b": shape({ name: "Phi-3-mini-3.8B", family: "phi3", hiddenSize: 3072, layers: 32, heads: 32, kvHeads: 32, ffnSize: 8192, vocabSize: 32064, tiedEmbeddings: false, contextLength: 4096, ropeTheta: 10000, rmsEps: 1e-5 }),
  "llama-3.1-8b": shape({ name: "Llama-3.1-8B", family: "llama3.1", hiddenSize: 4096, layers: 32, heads: 32, kvHeads: 8, ffnSize: 14336, vocabSize: 128256, tiedEmbeddings: false, contextLength: 131072, ropeTheta: 500000, rmsEps: 1e-5 }),
  /** A tiny shape for tests: loads and runs in well under a second. */
  "tiny-test": shape({ name: "Tiny-Test", family: "test", hiddenSize: 64, layers: 2, heads: 4, kvHeads: 2, ffnSize: 128, vocabSize: 512, tiedEmbeddings: true, contextLength: 4096, ropeTheta: 10000, rmsEps: 1e-5 }),
};

/** Quantizations the synthetic writer supports, with their block layout (ggml type ids). */
export const QUANTS = {
  F16: { ggmlType: 1, blockWeights: 1, blockBytes: 2, fileType: 1 },
  Q8_0: { ggmlType: 8, blockWeights: 32, blockBytes: 34, fileType: 7 },
  Q4_0: { ggmlType: 2, blockWeights: 32, blockBytes: 18, fileType: 2 },
} as const;
export type Quant = keyof typeof QUANTS;

export interface TensorSpec {
  name: string;
  /** ggml order: dims[0] is the input (row) dimension. */
  dims: number[];
  /** F32 for norms, the chosen quantization for matrices. */
  type: "F32" | Quant;
}

export function tensorSpecs(s: ModelShape, quant: Quant): TensorSpec[] {
  const headDim = s.hiddenSize / s.heads;
  const kvDim = headDim * s.kvHeads;
  const t: TensorSpec[] = [{ name: "token_embd.weight", dims: [s.hiddenSize, s.vocabSize], type: quant }];
  for (let i = 0; i < s.layers; i++) {
    const b = `blk.${i}.`;
    t.push(
      { name: `${b}attn_norm.weight`, dims: [s.hiddenSize], type: "F32" },
      { name: `${b}attn_q.weight`, dims: [s.hiddenSize, s.hiddenSize], type: quant },
      { name: `${b}attn_k.weight`, dims: [s.hiddenSize, kvDim], type: quant },
      { name: `${b}attn_v.weight`, dims: [s.hiddenSize, kvDim], type: quant },
      { name: `${b}attn_output.weight`, dims: [s.hiddenSize, s.hiddenSize], type: quant },
      { name: `${b}ffn_norm.weight`, dims: [s.hiddenSize], type: "F32" },
      { name: `${b}ffn_gate.weight`, dims: [s.hiddenSize, s.ffnSize], type: quant },
      { name: `${b}ffn_up.weight`, dims: [s.hiddenSize, s.ffnSize], type: quant },
      { name: `${b}ffn_down.weight`, dims: [s.ffnSize, s.hiddenSize], type: quant },
    );
  }
  t.push({ name: "output_norm.weight", dims: [s.hiddenSize], type: "F32" });
  if (!s.tiedEmbeddings) t.push({ name: "output.weight", dims: [s.hiddenSize, s.vocabSize], type: quant });
  return t;
}

export function tensorBytes(t: TensorSpec): number {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (t.type === "F32") return n * 4;
  const q = QUANTS[t.type];
  return (n / q.blockWeights) * q.blockBytes;
}

export function parameterCount(s: ModelShape): number {
  return tensorSpecs(s, "F16").reduce((a, t) => a + t.dims.reduce((x, y) => x * y, 1), 0);
}

/** `synthetic:<shape>:<quant>` → shape and quantization, or a message saying what is wrong. */
export function parseSyntheticUri(uri: string): { shape: ModelShape; key: string; quant: Quant } | { error: string } {
  const m = /^synthetic:([a-z0-9.-]+):([A-Z0-9_]+)$/i.exec(uri);
  if (!m) return { error: `expected synthetic:<shape>:<quant>, e.g. synthetic:llama-3.2-1b:Q4_0` };
  const key = m[1]!.toLowerCase();
  const shape = MODEL_SHAPES[key];
  if (!shape) return { error: `unknown shape "${m[1]}"; known: ${Object.keys(MODEL_SHAPES).join(", ")}` };
  const quant = m[2]!.toUpperCase() as Quant;
  if (!(quant in QUANTS)) return { error: `unsupported quantization "${m[2]}"; supported: ${Object.keys(QUANTS).join(", ")}` };
  for (const t of tensorSpecs(shape, quant)) {
    if (t.type !== "F32" && t.dims[0]! % QUANTS[quant].blockWeights !== 0) {
      return { error: `${t.name} row of ${t.dims[0]} is not a multiple of the ${quant} block` };
    }
  }
  return { shape, key, quant };
}
