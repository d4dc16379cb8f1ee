/**
 * Model references: a local GGUF path; `hf:<user>/<repo>/<file>` through node-llama-cpp's own
 * resolver (downloads for users with a network, into the models directory); or
 * `synthetic:<shape>:<quant>`, written once and cached.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ModelInfo } from "../../lib/core/contracts/submission";
import { archMetadata, modelInfoFromGguf, syntheticFileName, syntheticModelInfo, type GgufHeader } from "../../lib/core/measure/model-info";
import { MODEL_SHAPES, parseSyntheticUri } from "../../lib/core/measure/model-shapes";
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

export async function describeGguf(file: string, weights: "real" | "synthetic", source: string): Promise<ModelInfo> {
  const { readGgufFileInfo } = await import("node-llama-cpp");
  let info;
  try {
    info = await readGgufFileInfo(file, { readTensorInfo: true });
  } catch (e) {
    throw new ModelError(`${file} is not a readable GGUF file: ${(e as Error).message}`);
  }
  const header = { general: (info.metadata.general ?? {}) as GgufHeader["general"], tensors: info.fullTensorInfo ?? info.tensorInfo ?? [], arch: archMetadata(info.metadata) };
  return modelInfoFromGguf(header, { baseName: path.basename(file, ".gguf"), bytes: fs.statSync(file).size, sha256: await sha256File(file) }, weights, source);
}

export async function resolveModel(ref: string, dataDir: string): Promise<ResolvedModel> {
  if (ref.startsWith("synthetic:")) {
    const p = parseSyntheticUri(ref);
    if ("error" in p) throw new ModelError(p.error);
    const file = path.join(dataDir, "models", "synthetic", syntheticFileName(ref)!);
    if (!fs.existsSync(file)) writeSyntheticGguf(file, p.shape, p.quant);
    return { path: file, info: syntheticModelInfo(ref, fs.statSync(file).size) as ModelInfo };
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
