/**
 * What a submission says about a model file (ModelInfo), from a GGUF header or a synthetic model's
 * shape. Pure: the native runner and the server's browser catalog read the file themselves and
 * pass what they read.
 */
import type { ModelInfo } from "../contracts/submission";
import { parameterCount, parseSyntheticUri } from "./model-shapes";

/** llama.cpp's `general.file_type` values (llama_ftype). */
const FILE_TYPES: Record<number, string> = { 0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 12: "Q3_K_M", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 32: "BF16" };
/** ggml tensor types (ggml_type), to name files without general.file_type by their commonest matrix type. */
const GGML_TYPES: Record<number, string> = { 0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 10: "Q2_K", 11: "Q3_K", 12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 30: "BF16" };

/** The parts of a GGUF header this needs (node-llama-cpp's readGgufFileInfo gives them). */
export interface GgufHeader {
  general: { name?: unknown; architecture?: unknown; file_type?: unknown };
  tensors: { dimensions: readonly (number | bigint)[]; ggmlType: number }[];
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
    quantization: fileType != null ? (FILE_TYPES[fileType] ?? `ftype${fileType}`) : majority != null ? (GGML_TYPES[majority] ?? `type${majority}`) : "unknown",
    fileBytes: file.bytes,
    sha256: file.sha256,
    weights,
    source,
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
    sha256: null, // random weights: the hash identifies nothing
    weights: "synthetic",
    source: uri,
  };
}

/** The file name a synthetic model is written to, under `<models>/synthetic/`. */
/**
 * The tensor layout version of synthetic files, in their cached file names: a layout change (2: the
 * tensor types llama-quantize gives) writes new files instead of reusing files of the old layout.
 */
export const SYNTHETIC_LAYOUT = 2;

export function syntheticFileName(uri: string): string | null {
  const p = parseSyntheticUri(uri);
  return "error" in p ? null : `${p.key}-${p.quant}-layout${SYNTHETIC_LAYOUT}.gguf`;
}
