/**
 * Plausibility of measured results (pure). Decoding one token of a dense model reads every weight
 * once, so decode tokens/s cannot exceed memory bandwidth / model bytes (the roofline). A result
 * above that bound, or above absolute ceilings no device reaches, is stored flagged and never
 * ranked as a normal result.
 */
import type { Submission, WorkloadResult } from "../contracts/submission";
import { workloadPhase } from "../contracts/workloads";
import { deriveStats } from "./stats";

/** Weights this large cannot be served from CPU caches, so DRAM/VRAM bandwidth bounds decode. */
export const ROOFLINE_MIN_MODEL_BYTES = 256 * 2 ** 20;
/** Slack over the bound for measurement noise and partial cache hits. */
export const ROOFLINE_TOLERANCE = 1.5;
/** Ceilings no single device reaches (tokens/s for one sequence). */
export const MAX_DECODE_TOKENS_PER_SEC = 100_000;
export const MAX_PREFILL_TOKENS_PER_SEC = 10_000_000;

export interface Flag {
  workloadId: string | null;
  code: "exceeds_roofline" | "exceeds_ceiling" | "inconsistent_tokens";
  message: string;
}

/** Upper bound on decode tokens/s given bandwidth (GB/s) and bytes read per token. */
export function rooflineTokensPerSec(bandwidthGBps: number, bytesPerToken: number): number {
  return (bandwidthGBps * 1e9) / bytesPerToken;
}

/** Decode efficiency: achieved bytes/s over measured bandwidth (0..1, above 1 = implausible). */
export function decodeEfficiency(tokensPerSec: number, bytesPerToken: number, bandwidthGBps: number): number {
  return (tokensPerSec * bytesPerToken) / (bandwidthGBps * 1e9);
}

export function checkWorkload(w: WorkloadResult, modelBytes: number, bandwidthGBps: number | null): Flag[] {
  if (w.status !== "ok") return [];
  const flags: Flag[] = [];
  const stats = deriveStats(w.samples);
  if (!stats) return flags;
  for (const s of w.samples) {
    if (s.promptTokens > w.nPrompt + w.nDepth + 1 || s.genTokens > w.nGen) {
      flags.push({
        workloadId: w.workloadId,
        code: "inconsistent_tokens",
        message: `a sample counts ${s.promptTokens}+${s.genTokens} tokens for a workload of ${w.nPrompt}+${w.nGen}`,
      });
      break;
    }
  }
  const decodeOnly = workloadPhase(w.workloadId) === "decode";
  const ceiling = decodeOnly ? MAX_DECODE_TOKENS_PER_SEC : MAX_PREFILL_TOKENS_PER_SEC;
  if (stats.avgTokensPerSec > ceiling) {
    flags.push({
      workloadId: w.workloadId,
      code: "exceeds_ceiling",
      message: `${stats.avgTokensPerSec.toFixed(0)} tokens/s is above ${ceiling} tokens/s, which no device reaches`,
    });
  }
  if (decodeOnly && bandwidthGBps && modelBytes >= ROOFLINE_MIN_MODEL_BYTES) {
    const bound = rooflineTokensPerSec(bandwidthGBps, modelBytes);
    if (stats.avgTokensPerSec > bound * ROOFLINE_TOLERANCE) {
      flags.push({
        workloadId: w.workloadId,
        code: "exceeds_roofline",
        message: `${stats.avgTokensPerSec.toFixed(1)} tokens/s needs ${(
          (stats.avgTokensPerSec * modelBytes) /
          1e9
        ).toFixed(1)} GB/s, above the measured ${bandwidthGBps} GB/s memory bandwidth`,
      });
    }
  }
  return flags;
}

/** All plausibility flags of a submission; empty means plausible. */
export function checkSubmission(s: Submission): Flag[] {
  return s.workloads.flatMap((w) => checkWorkload(w, s.model.fileBytes, s.device.memoryBandwidthGBps));
}
