/**
 * Model references: a local GGUF path; `hf:<user>/<repo>/<file>` through node-llama-cpp's own
 * resolver (downloads for users with a network, into the models directory); or
 * `synthetic:<shape>:<quant>`, written once and cached.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ModelInfo } from "../../lib/core/contracts/submission";
import { MODEL_SHAPES, parameterCount, parseSyntheticUri } from "../../lib/core/measure/model-shapes";
import { writeSyntheticGguf } from "./synthetic-gguf";

export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelError";
  }
}

export interface ResolvedModel {
  path: string;
  info: ModelInfo;
}

async function sha256File(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 8 << 20 })) h.update(chunk);
  return h.digest("hex");
}

const FILE_TYPES: Record<number, string> = { 0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 12: "Q3_K_M", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 32: "BF16" };

export async function describeGguf(file: string, weights: "real" | "synthetic", source: string): Promise<ModelInfo> {
  const { readGgufFileInfo } = await import("node-llama-cpp");
  let info;
  try {
    info = await readGgufFileInfo(file, { readTensorInfo: true });
  } catch (e) {
    throw new ModelError(`${file} is not a readable GGUF file: ${(e as Error).message}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const general: any = info.metadata.general ?? {};
  const params = (info.fullTensorInfo ?? info.tensorInfo ?? []).reduce((a, t) => a + t.dimensions.reduce((x: number, y) => x * Number(y), 1), 0);
  const fileType = general.file_type as number | undefined;
  // Without general.file_type, name the quantization after the most common matrix tensor type.
  const counts = new Map<number, number>();
  for (const t of info.tensorInfo ?? []) if (t.dimensions.length === 2) counts.set(t.ggmlType, (counts.get(t.ggmlType) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const GGML_TYPES: Record<number, string> = { 0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 10: "Q2_K", 11: "Q3_K", 12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 30: "BF16" };
  const generic = !general.name || general.name === general.architecture;
  return {
    name: generic ? path.basename(file, ".gguf") : String(general.name),
    family: String(general.architecture ?? "") || null,
    parameterCount: params > 0 ? params : null,
    quantization:
      fileType != null ? (FILE_TYPES[fileType] ?? `ftype${fileType}`) : majority != null ? (GGML_TYPES[majority] ?? `type${majority}`) : "unknown",
    fileBytes: fs.statSync(file).size,
    sha256: await sha256File(file),
    weights,
    source,
  };
}

export async function resolveModel(ref: string, dataDir: string): Promise<ResolvedModel> {
  if (ref.startsWith("synthetic:")) {
    const p = parseSyntheticUri(ref);
    if ("error" in p) throw new ModelError(p.error);
    const file = path.join(dataDir, "models", "synthetic", `${p.key}-${p.quant}.gguf`);
    if (!fs.existsSync(file)) writeSyntheticGguf(file, p.shape, p.quant);
    return {
      path: file,
      info: {
        name: p.shape.name,
        family: p.shape.family,
        parameterCount: parameterCount(p.shape),
        quantization: p.quant,
        fileBytes: fs.statSync(file).size,
        sha256: null, // random weights: the hash identifies nothing
        weights: "synthetic",
        source: ref,
      },
    };
  }
  if (ref.startsWith("hf:") || ref.startsWith("https://")) {
    const { resolveModelFile } = await import("node-llama-cpp");
    const directory = path.join(dataDir, "models");
    let file: string;
    try {
      // Already downloaded: resolved offline, without touching the network.
      file = await resolveModelFile(ref, { directory, download: false, cli: false });
    } catch {
      const host = ref.startsWith("hf:") ? "https://huggingface.co" : new URL(ref).origin;
      const reachable = await fetch(host, { method: "HEAD", signal: AbortSignal.timeout(10_000) }).then(
        () => true,
        () => false,
      );
      if (!reachable) throw new ModelError(`${ref} is not in ${directory} and ${host} cannot be reached: download it on a connected machine, or give a local path`);
      try {
        file = await resolveModelFile(ref, { directory, cli: process.stderr.isTTY });
      } catch (e) {
        throw new ModelError(`could not download ${ref}: ${(e as Error).message}`);
      }
    }
    return { path: file, info: await describeGguf(file, "real", ref) };
  }
  const file = path.resolve(ref);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new ModelError(`no model file at ${file} (give a GGUF path, hf:<user>/<repo>/<file>, or synthetic:<shape>:<quant> with shapes ${Object.keys(MODEL_SHAPES).join(", ")})`);
  }
  return { path: file, info: await describeGguf(file, "real", path.basename(file)) };
}
