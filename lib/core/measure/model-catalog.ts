/**
 * The model layout the server trusts (pure): parameters, bytes read per generated token and KV bytes
 * per token, from a trusted source, never from the submission being judged. Sources, best first:
 * - the server's catalog row for the file's sha256, set by the owner, an admin or a trusted run
 *   (lib/server/store/model-catalog.ts);
 * - a synthetic model's built-in shape (`synthetic:<shape>:<quant>`): the server computes it;
 * - otherwise the submission's own claims, held to what a GGUF file can be (at least 1.5 bits a
 *   weight, a dense model reads at least half its file per token, no language model below 64 KiB a
 *   token) and, where the name is that of a built-in shape, to that shape's parameter count.
 * A claim that disagrees with the trusted layout is flagged with the reason, and the checks use
 * the trusted layout.
 */
import type { ModelInfo } from "../contracts/submission";
import { MODEL_SHAPES, parameterCount } from "./model-shapes";
import { syntheticModelInfo } from "./model-info";

export interface TrustedLayout {
  parameterCount: number;
  /** Bytes of tensors read per generated token (a mixture of experts reads its active experts only). */
  weightsReadPerTokenBytes: number;
  kvBytesPerToken: number | null;
  fileBytes: number | null;
  moe: boolean;
  /** `built-in`, `owner`, `admin`, `trusted-run`: who set it. */
  source: string;
}

/** The fewest bits a weight is stored in (IQ1_S is 1.56 bits per weight). */
export const MIN_BITS_PER_WEIGHT = 1.5;
/** No language model reads less than this per generated token (stories260K reads ~1 MB). */
export const MIN_BYTES_PER_TOKEN = 64 * 1024;
/** A dense model reads at least this share of its file per token (all but the input embedding). */
export const MIN_DENSE_READ_SHARE = 0.5;
/** A built-in shape's parameter count may differ by this share from a real file's (biases, fused QKV). */
export const SHAPE_PARAMS_TOLERANCE = 0.15;
/** Catalog claims agree within this share. */
export const LAYOUT_TOLERANCE = 0.02;

const norm = (s: string) => s.toLowerCase().replace(/[\s_]+/g, "-");

/**
 * The shapes' name patterns, longest key first so "smollm2-135m" never matches inside a longer name
 * wrongly; built on first use (every submission's model is judged by its name: ingest judges it twice).
 */
let shapePatterns: { key: string; re: RegExp }[] | null = null;
/** Names already judged (bounded: a client may send any name). */
const shapeByName = new Map<string, { key: string; parameterCount: number } | null>();
const shapeParams = new Map<string, number>();

/** The built-in shape a model's name says it is ("Llama-3.2-1B-Instruct" → llama-3.2-1b), or null. */
export function shapeOfName(name: string): { key: string; parameterCount: number } | null {
  const hit = shapeByName.get(name);
  if (hit !== undefined) return hit && { ...hit };
  const n = norm(name);
  shapePatterns ??= Object.keys(MODEL_SHAPES)
    .filter((k) => k !== "tiny-test")
    .sort((a, b) => b.length - a.length)
    .map((k) => ({ key: k, re: new RegExp(`(^|[^a-z0-9.])${k.replace(/[.]/g, "\\.")}($|[^a-z0-9.])`) }));
  let found: { key: string; parameterCount: number } | null = null;
  for (const { key, re } of shapePatterns) {
    if (!re.test(n)) continue;
    let params = shapeParams.get(key);
    if (params === undefined) shapeParams.set(key, (params = parameterCount(MODEL_SHAPES[key]!)));
    found = { key, parameterCount: params };
    break;
  }
  if (shapeByName.size >= 1000) shapeByName.clear();
  shapeByName.set(name, found);
  return found && { ...found };
}

/** A synthetic model's layout, computed by the server from its shape; null for other models. */
export function builtInLayout(m: Pick<ModelInfo, "weights" | "source" | "fileBytes">): TrustedLayout | null {
  if (m.weights !== "synthetic" || !m.source) return null;
  const info = syntheticModelInfo(m.source, m.fileBytes);
  if ("error" in info || !info.parameterCount || !info.weightsReadPerTokenBytes) return null;
  return { parameterCount: info.parameterCount, weightsReadPerTokenBytes: info.weightsReadPerTokenBytes, kvBytesPerToken: info.kvBytesPerToken, fileBytes: null, moe: false, source: "built-in" };
}

export interface LayoutVerdict {
  /** What the checks use: the trusted layout, or the claims where none is known. */
  layout: { parameterCount: number | null; weightsReadPerTokenBytes: number; kvBytesPerToken: number | null };
  /** Why the claims cannot be taken (each a sentence); empty when they hold. */
  problems: string[];
  trusted: boolean;
}

const near = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(a, b);
const fmt = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : `${Math.round(n / 1e3)} k`);

/** Judges a submission's model claims against the trusted layout (or, without one, against physics). */
export function judgeLayout(m: ModelInfo, trusted: TrustedLayout | null): LayoutVerdict {
  const problems: string[] = [];
  const claimedRead = m.weightsReadPerTokenBytes ?? m.fileBytes;
  if (trusted) {
    if (!near(claimedRead, trusted.weightsReadPerTokenBytes, LAYOUT_TOLERANCE)) problems.push(`declares ${fmt(claimedRead)}B read per token; the ${trusted.source} layout of this model reads ${fmt(trusted.weightsReadPerTokenBytes)}B`);
    if (m.parameterCount != null && !near(m.parameterCount, trusted.parameterCount, LAYOUT_TOLERANCE)) problems.push(`declares ${fmt(m.parameterCount)} parameters; the ${trusted.source} layout has ${fmt(trusted.parameterCount)}`);
    if (trusted.fileBytes != null && m.fileBytes !== trusted.fileBytes) problems.push(`declares a ${fmt(m.fileBytes)}B file; the ${trusted.source} layout's file is ${fmt(trusted.fileBytes)}B`);
    if (m.kvBytesPerToken != null && trusted.kvBytesPerToken != null && !near(m.kvBytesPerToken, trusted.kvBytesPerToken, LAYOUT_TOLERANCE)) problems.push(`declares ${fmt(m.kvBytesPerToken)}B of KV cache per token; the ${trusted.source} layout has ${fmt(trusted.kvBytesPerToken)}B`);
    return { layout: { parameterCount: trusted.parameterCount, weightsReadPerTokenBytes: trusted.weightsReadPerTokenBytes, kvBytesPerToken: trusted.kvBytesPerToken ?? m.kvBytesPerToken }, problems, trusted: true };
  }
  // No trusted layout: the claims, held to what a model file can be.
  if (claimedRead > m.fileBytes * 1.01) problems.push(`declares ${fmt(claimedRead)}B read per token from a ${fmt(m.fileBytes)}B file`);
  if (claimedRead < MIN_DENSE_READ_SHARE * m.fileBytes) problems.push(`declares ${fmt(claimedRead)}B read per token, under half of its ${fmt(m.fileBytes)}B file: only a mixture of experts reads less, and no trusted catalog entry says this file is one`);
  if (claimedRead < MIN_BYTES_PER_TOKEN) problems.push(`declares ${fmt(claimedRead)}B read per token; no language model reads under ${MIN_BYTES_PER_TOKEN / 1024} KiB`);
  if (m.parameterCount != null && m.parameterCount > (m.fileBytes * 8) / MIN_BITS_PER_WEIGHT) problems.push(`declares ${fmt(m.parameterCount)} parameters in a ${fmt(m.fileBytes)}B file, under ${MIN_BITS_PER_WEIGHT} bits a weight`);
  const shape = shapeOfName(m.name);
  let params = m.parameterCount;
  if (shape) {
    if (m.parameterCount != null && !near(m.parameterCount, shape.parameterCount, SHAPE_PARAMS_TOLERANCE)) problems.push(`is named ${m.name} (${fmt(shape.parameterCount)} parameters) but declares ${fmt(m.parameterCount)}`);
    if ((m.fileBytes * 8) / shape.parameterCount < MIN_BITS_PER_WEIGHT) problems.push(`is named ${m.name} (${fmt(shape.parameterCount)} parameters) but its ${fmt(m.fileBytes)}B file cannot hold them`);
    if (claimedRead * 8 < shape.parameterCount * MIN_BITS_PER_WEIGHT * MIN_DENSE_READ_SHARE) problems.push(`is named ${m.name} (${fmt(shape.parameterCount)} parameters) but declares ${fmt(claimedRead)}B read per token`);
    params = Math.max(params ?? 0, shape.parameterCount * (1 - SHAPE_PARAMS_TOLERANCE));
  }
  // At most 32 bits a weight: the bytes read bound the parameters below where none are declared.
  params = Math.max(params ?? 0, claimedRead / 4);
  // The least a model of the named shape can read: its weights at the fewest bits, a dense half of them.
  const shapeFloor = shape ? (shape.parameterCount * MIN_BITS_PER_WEIGHT * MIN_DENSE_READ_SHARE) / 8 : 0;
  return { layout: { parameterCount: params, weightsReadPerTokenBytes: Math.max(claimedRead, MIN_BYTES_PER_TOKEN, shapeFloor), kvBytesPerToken: m.kvBytesPerToken }, problems, trusted: false };
}
