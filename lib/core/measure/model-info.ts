/**
 * What a submission says about a model file (ModelInfo), from a GGUF header or a synthetic model's
 * shape. Pure: the native runner and the server's browser catalog read the file themselves and
 * pass what they read.
 */
import type { ModelInfo } from "../contracts/submission";
import { GGML_TYPES, parameterCount, parseSyntheticUri, tensorSpecs } from "./model-shapes";

/** llama.cpp's `general.file_type` values (llama_ftype). */
const FILE_TYPES: Record<number, string> = { 0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 12: "Q3_K_M", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 32: "BF16" };
/** ggml tensor types (ggml_type), to name files without general.file_type by their commonest matrix type. */
const GGML_TYPE_NAMES: Record<number, string> = { 0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 10: "Q2_K", 11: "Q3_K", 12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 30: "BF16" };

/** The parts of a GGUF header this needs (node-llama-cpp's readGgufFileInfo gives them). */
export interface GgufHeader {
  general: { name?: unknown; architecture?: unknown; file_type?: unknown };
  tensors: { name?: string; dimensions: readonly (number | bigint)[]; ggmlType: number }[];
  /** The architecture's metadata (`metadata[general.architecture]`): block_count, attention.*. */
  arch?: Record<string, unknown>;
}

/** Weights per block and bytes per block of the ggml types (ggml-common.h). */
const GGML_BLOCKS: Record<number, [number, number]> = {
  0: [1, 4], 1: [1, 2], 2: [32, 18], 3: [32, 20], 6: [32, 22], 7: [32, 24], 8: [32, 34],
  10: [256, 84], 11: [256, 110], 12: [256, 144], 13: [256, 176], 14: [256, 210], 30: [1, 2],
};

/** Bytes of one tensor; null for a type whose block layout this does not know. */
export function ggmlTensorBytes(ggmlType: number, dims: readonly (number | bigint)[]): number | null {
  const b = GGML_BLOCKS[ggmlType];
  if (!b) return null;
  return (dims.reduce((x: number, y) => x * Number(y), 1) / b[0]) * b[1];
}

/**
 * Bytes read to generate one token: every tensor, except an untied input embedding (a separate
 * output.weight exists), of which one row is read. Null when a tensor's type is unknown.
 */
export function weightsReadPerToken(tensors: GgufHeader["tensors"]): number | null {
  const untied = tensors.some((t) => t.name === "output.weight");
  let total = 0;
  for (const t of tensors) {
    const bytes = ggmlTensorBytes(t.ggmlType, t.dimensions);
    if (bytes == null) return null;
    const rows = t.dimensions.length > 1 ? Number(t.dimensions[t.dimensions.length - 1]) : 1;
    total += untied && t.name === "token_embd.weight" ? bytes / rows : bytes;
  }
  return total > 0 ? Math.round(total) : null;
}

/** KV-cache bytes per token of context at f16: layers x KV heads x (key + value size) x 2 bytes. */
export function kvBytesPerToken(arch: Record<string, unknown> | undefined): number | null {
  if (!arch) return null;
  const att = (arch.attention ?? {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : null);
  const layers = num(arch.block_count);
  const heads = num(att.head_count);
  const kvHeads = num(att.head_count_kv) ?? heads;
  const embd = num(arch.embedding_length);
  const keyLen = num(att.key_length) ?? (embd && heads ? embd / heads : null);
  const valueLen = num(att.value_length) ?? keyLen;
  if (!layers || !kvHeads || !keyLen || !valueLen) return null;
  return Math.round(layers * kvHeads * (keyLen + valueLen) * 2);
}

export function modelInfoFromGguf(
  h: GgufHeader,
  file: { baseName: string; bytes: number; sha256: string | null },
  weights: ModelInfo["weights"],
  source: string,
): ModelInfo {
  const params = h.tensors.reduce((a, t) => a + t.dimensions.reduce((x: number, y) => x * Number(y), 1), 0);
  const fileType = typeof h.general.file_type === "number" ? h.general.file_type : null;
  const counts = new Map<number, number>();
  for (const t of h.tensors) if (t.dimensions.length === 2) counts.set(t.ggmlType, (counts.get(t.ggmlType) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const generic = !h.general.name || h.general.name === h.general.architecture;
  return {
    name: generic ? file.baseName : String(h.general.name),
    family: String(h.general.architecture ?? "") || null,
    parameterCount: params > 0 ? params : null,
    quantization: fileType != null ? (FILE_TYPES[fileType] ?? `ftype${fileType}`) : majority != null ? (GGML_TYPE_NAMES[majority] ?? `type${majority}`) : "unknown",
    fileBytes: file.bytes,
    sha256: file.sha256,
    weights,
    source,
    weightsReadPerTokenBytes: weightsReadPerToken(h.tensors),
    kvBytesPerToken: kvBytesPerToken(h.arch),
  };
}

/** A synthetic model (`synthetic:<shape>:<quant>`): random weights of a named model's exact shape. */
export function syntheticModelInfo(uri: string, fileBytes: number): ModelInfo | { error: string } {
  const p = parseSyntheticUri(uri);
  if ("error" in p) return p;
  return {
    name: p.shape.name,
    family: p.shape.family,
    parameterCount: parameterCount(p.shape),
    quantization: p.quant,
    fileBytes,
    sha256: null, // the name, quantization, size and layout identify the (deterministic) bytes
    weights: "synthetic",
    source: uri,
    weightsReadPerTokenBytes: weightsReadPerToken(tensorSpecs(p.shape, p.quant).map((t) => ({ name: t.name, dimensions: t.dims, ggmlType: GGML_TYPES[t.type].ggmlType }))),
    kvBytesPerToken: p.shape.layers * p.shape.kvHeads * (p.shape.hiddenSize / p.shape.heads) * 2 * 2,
  };
}

/** The file name a synthetic model is written to, under `<models>/synthetic/`. */
/**
 * The tensor layout version of synthetic files, in their cached file names: a layout change (2: the
 * tensor types llama-quantize gives; 3: deterministic weights, the same bytes on every machine) writes
 * new files instead of reusing files of the old layout.
 */
export const SYNTHETIC_LAYOUT = 3;

export function syntheticFileName(uri: string): string | null {
  const p = parseSyntheticUri(uri);
  return "error" in p ? null : `${p.key}-${p.quant}-layout${SYNTHETIC_LAYOUT}.gguf`;
}

/** The architecture block of GGUF metadata (`metadata.llama`, `metadata.qwen2`...). */
export function archMetadata(metadata: unknown): Record<string, unknown> | undefined {
  const m = metadata as Record<string, unknown> | null;
  const arch = (m?.general as Record<string, unknown> | undefined)?.architecture;
  const block = typeof arch === "string" ? m?.[arch] : undefined;
  return block && typeof block === "object" ? (block as Record<string, unknown>) : undefined;
}
