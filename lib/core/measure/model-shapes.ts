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

/** ggml tensor types the synthetic writer emits, with their block layout (ggml-common.h). */
export const GGML_TYPES = {
  F32: { ggmlType: 0, blockWeights: 1, blockBytes: 4 },
  F16: { ggmlType: 1, blockWeights: 1, blockBytes: 2 },
  Q4_0: { ggmlType: 2, blockWeights: 32, blockBytes: 18 },
  Q5_0: { ggmlType: 6, blockWeights: 32, blockBytes: 22 },
  Q8_0: { ggmlType: 8, blockWeights: 32, blockBytes: 34 },
  Q4_K: { ggmlType: 12, blockWeights: 256, blockBytes: 144 },
  Q6_K: { ggmlType: 14, blockWeights: 256, blockBytes: 210 },
} as const;
export type TensorType = keyof typeof GGML_TYPES;

/**
 * File types (llama-quantize's ftype) the synthetic writer supports: the GGUF `general.file_type`
 * and the type of an ordinary weight matrix. Which matrices get another type follows llama.cpp's
 * llama-quant.cpp (see tensorType).
 */
export const QUANTS = {
  F16: { fileType: 1, base: "F16" },
  Q8_0: { fileType: 7, base: "Q8_0" },
  Q4_0: { fileType: 2, base: "Q4_0" },
  Q4_K_M: { fileType: 15, base: "Q4_K" },
} as const satisfies Record<string, { fileType: number; base: TensorType }>;
export type Quant = keyof typeof QUANTS;

export interface TensorSpec {
  name: string;
  /** ggml order: dims[0] is the input (row) dimension. */
  dims: number[];
  /** F32 for norms; for matrices, what llama-quantize gives them in this file type. */
  type: TensorType;
}

/** llama-quant.cpp's use_more_bits: the layers Q4_K_M gives 6 bits (first and last eighth, every third between). */
export function moreBitsLayer(i: number, n: number): boolean {
  return i < Math.trunc(n / 8) || i >= Math.trunc((7 * n) / 8) || (i - Math.trunc(n / 8)) % 3 === 2;
}

/** llama-quant.cpp's fallback when a row is not a whole number of the type's blocks. */
const FALLBACK: Partial<Record<TensorType, TensorType>> = { Q4_K: "Q5_0", Q6_K: "Q8_0" };

/**
 * The type llama-quantize (llama.cpp 80fb11a, the one node-llama-cpp 3.21.1 ships) gives a weight
 * matrix: the output matrix (or the tied embedding, which is the output) in Q6_K unless the file is
 * Q8_0 or F16; Q4_K_M also gives attn_v and ffn_down Q6_K in the layers moreBitsLayer picks; a type
 * whose block does not divide the row falls back (Q6_K to Q8_0, Q4_K to Q5_0).
 */
export function tensorType(quant: Quant, role: "output" | "token_embd" | "attn_v" | "ffn_down" | "other", layer: number, layers: number, rowWeights: number): TensorType {
  const base: TensorType = QUANTS[quant].base;
  let t: TensorType = base;
  if (base === "F16") return t;
  if (role === "output" && base !== "Q8_0") t = "Q6_K";
  else if (quant === "Q4_K_M" && (role === "attn_v" || role === "ffn_down") && moreBitsLayer(layer, layers)) t = "Q6_K";
  while (rowWeights % GGML_TYPES[t].blockWeights !== 0) {
    const f: TensorType | undefined = FALLBACK[t];
    if (!f) break;
    t = f;
  }
  return t;
}

export function tensorSpecs(s: ModelShape, quant: Quant): TensorSpec[] {
  const headDim = s.hiddenSize / s.heads;
  const kvDim = headDim * s.kvHeads;
  const m = (name: string, dims: number[], role: Parameters<typeof tensorType>[1], layer = 0): TensorSpec => ({ name, dims, type: tensorType(quant, role, layer, s.layers, dims[0]!) });
  // A tied embedding is the output matrix too: llama-quantize gives it the output's type.
  const t: TensorSpec[] = [m("token_embd.weight", [s.hiddenSize, s.vocabSize], s.tiedEmbeddings ? "output" : "token_embd")];
  for (let i = 0; i < s.layers; i++) {
    const b = `blk.${i}.`;
    t.push(
      { name: `${b}attn_norm.weight`, dims: [s.hiddenSize], type: "F32" },
      m(`${b}attn_q.weight`, [s.hiddenSize, s.hiddenSize], "other", i),
      m(`${b}attn_k.weight`, [s.hiddenSize, kvDim], "other", i),
      m(`${b}attn_v.weight`, [s.hiddenSize, kvDim], "attn_v", i),
      m(`${b}attn_output.weight`, [s.hiddenSize, s.hiddenSize], "other", i),
      { name: `${b}ffn_norm.weight`, dims: [s.hiddenSize], type: "F32" },
      m(`${b}ffn_gate.weight`, [s.hiddenSize, s.ffnSize], "other", i),
      m(`${b}ffn_up.weight`, [s.hiddenSize, s.ffnSize], "other", i),
      m(`${b}ffn_down.weight`, [s.ffnSize, s.hiddenSize], "ffn_down", i),
    );
  }
  t.push({ name: "output_norm.weight", dims: [s.hiddenSize], type: "F32" });
  if (!s.tiedEmbeddings) t.push(m("output.weight", [s.hiddenSize, s.vocabSize], "output"));
  return t;
}

export function tensorBytes(t: TensorSpec): number {
  const n = t.dims.reduce((a, b) => a * b, 1);
  const q = GGML_TYPES[t.type];
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
  if (!Object.hasOwn(QUANTS, quant)) return { error: `unsupported quantization "${m[2]}"; supported: ${Object.keys(QUANTS).join(", ")}` };
  for (const t of tensorSpecs(shape, quant)) {
    if (t.dims[0]! % GGML_TYPES[t.type].blockWeights !== 0) {
      return { error: `${t.name} row of ${t.dims[0]} is not a multiple of the ${t.type} block` };
    }
  }
  return { shape, key, quant };
}
