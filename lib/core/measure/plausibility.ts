/**
 * Plausibility of a submission, recomputed by the server from the raw samples and readings (pure):
 * nothing the client computed (tokens/s, J/token) is taken on trust. A result that fails a check is
 * stored with the reason, flagged, and kept off the leaderboard; only the offending workload is
 * flagged, never the whole run.
 *
 * Checks, for every workload of every backend and model size (browser runs included):
 * - the workload id says what was measured: its nPrompt/nGen/nDepth, and each sample's token counts
 *   (the engine's own prompt count within 2%, for browser engines whose prompts are calibrated text);
 * - tokens/s from durations and token counts below ceilings no device reaches, per phase;
 * - the memory traffic decode implies (tokens/s x bytes read per token) below what any memory of
 *   that backend delivers, even from cache (so a tiny model cannot report millions of tokens/s);
 * - decode below the roofline of the memory holding the weights, where that figure exists and the
 *   model is not cache-resident (lib/core/measure/roofline.ts);
 * - energy: each reading's energy equals its average power times its window, its power is below
 *   what that scope can draw, and the workload's J/token is what the readings and samples give.
 */
import type { PowerScope, Submission, WorkloadResult } from "../contracts/submission";
import { parseWorkloadId } from "../contracts/workloads";
import { energyPerToken } from "./energy";
import { bytesPerDecodedToken, decodeRoofline, HOST_BACKENDS } from "./roofline";
import { deriveStats } from "./stats";

/** Slack over the roofline for measurement noise and partial cache hits (the bandwidth is read bandwidth). */
export const ROOFLINE_TOLERANCE = 1.25;
/** Ceilings no single device reaches (tokens/s for one sequence). */
export const MAX_DECODE_TOKENS_PER_SEC = 100_000;
export const MAX_PREFILL_TOKENS_PER_SEC = 10_000_000;
/**
 * Memory traffic no device of a backend class delivers to one process, GB/s, caches included: host
 * (CPU caches of many-core servers reach a few TB/s), GPU (HBM3e is 8 TB/s; on-chip caches more).
 */
export const MAX_TRAFFIC_GBPS = { host: 5_000, gpu: 40_000 } as const;
/** The engine's prompt count may differ from the nominal one by this share (+1 for BOS). */
export const PROMPT_TOKEN_TOLERANCE = 0.02;
/** Power no sensor of a scope reads from one device, W. */
export const MAX_POWER_W: Record<PowerScope, number> = { package: 1_500, dram: 500, gpu: 3_000, soc: 500, battery: 500, wall: 20_000 };
/** Relative agreement between a stated energy figure and the one recomputed from its parts. */
export const ENERGY_TOLERANCE = 0.02;

export const FLAG_CODES = ["inconsistent_workload", "inconsistent_tokens", "exceeds_ceiling", "exceeds_roofline", "inconsistent_energy", "output_differs"] as const;

export interface Flag {
  workloadId: string | null;
  code: (typeof FLAG_CODES)[number];
  message: string;
}

const near = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-12);

function workloadShape(w: WorkloadResult): string | null {
  const spec = parseWorkloadId(w.workloadId);
  if (!spec) return `"${w.workloadId}" is not a workload id`;
  if (spec.phase === "ttft") return w.nGen === 1 && w.nDepth === 0 ? null : `ttft generates 1 token at depth 0, not ${w.nGen} at ${w.nDepth}`;
  if (w.nBatch !== spec.nBatch) return `${w.workloadId} runs ${spec.nBatch} parallel sequence(s), not ${w.nBatch}`;
  if (w.nPrompt !== spec.nPrompt || w.nGen !== spec.nGen || w.nDepth !== spec.nDepth) {
    return `${w.workloadId} is ${spec.nPrompt} prompt + ${spec.nGen} generated tokens at depth ${spec.nDepth}, not ${w.nPrompt} + ${w.nGen} at ${w.nDepth}`;
  }
  return null;
}

function sampleTokens(w: WorkloadResult): string | null {
  // A sustained run's intervals decode what the device manages in them: only prompts are wrong there.
  if (parseWorkloadId(w.workloadId)?.kind === "sustained") {
    const i = w.samples.findIndex((s) => s.promptTokens !== 0);
    return i < 0 ? null : `interval ${i + 1} counts ${w.samples[i]!.promptTokens} prompt tokens; a sustained run only decodes`;
  }
  const ttft = w.workloadId === "ttft";
  // A batch's samples count every sequence's tokens.
  const nPrompt = w.nPrompt * w.nBatch;
  const nGen = w.nGen * w.nBatch;
  for (const [i, s] of w.samples.entries()) {
    const promptOk = ttft ? s.promptTokens >= 1 : Math.abs(s.promptTokens - nPrompt) <= Math.ceil(PROMPT_TOKEN_TOLERANCE * nPrompt) + (nPrompt > 0 ? 1 : 0);
    if (!promptOk || s.genTokens !== nGen) {
      return `repetition ${i + 1} counts ${s.promptTokens} prompt + ${s.genTokens} generated tokens for a workload of ${nPrompt} + ${nGen}${w.nBatch > 1 ? ` (${w.nBatch} sequences)` : ""}`;
    }
  }
  return null;
}

function energyProblems(w: WorkloadResult): string | null {
  for (const r of w.power) {
    if (r.method === "unavailable" || r.energyJ == null) continue;
    const seconds = r.durationNs / 1e9;
    if (r.avgPowerW != null && !near(r.energyJ, r.avgPowerW * seconds, ENERGY_TOLERANCE)) {
      return `${r.sensor}: ${r.energyJ.toFixed(3)} J is not ${r.avgPowerW.toFixed(3)} W over ${seconds.toFixed(3)} s`;
    }
    const watts = r.energyJ / seconds;
    if (watts > MAX_POWER_W[r.scope]) return `${r.sensor}: ${watts.toFixed(0)} W is more than a ${r.scope} sensor reads (${MAX_POWER_W[r.scope]} W)`;
  }
  const e = w.energyPerToken;
  if (e?.totalJ != null) {
    const tokens = w.samples.reduce((a, s) => a + s.promptTokens + s.genTokens, 0);
    const again = energyPerToken(w.power, tokens);
    if (!again?.totalJ || !near(again.totalJ, e.totalJ, ENERGY_TOLERANCE)) {
      return `${e.totalJ} J/token is not what the readings give (${again?.totalJ == null ? "no usable reading" : `${again.totalJ.toPrecision(4)} J/token`})`;
    }
    const perRep = w.samples.map((s) => s.energyJ);
    if (perRep.every((x) => x != null)) {
      const sum = perRep.reduce((a, x) => a! + x!, 0)!;
      if (!near(sum / tokens, e.totalJ, ENERGY_TOLERANCE)) return `the repetitions' energy (${sum.toPrecision(4)} J) is not ${e.totalJ} J/token over ${tokens} tokens`;
    }
  }
  return null;
}

export function checkWorkload(w: WorkloadResult, s: Pick<Submission, "device" | "model">): Flag[] {
  if (w.status !== "ok") return [];
  const flag = (code: Flag["code"], message: string): Flag => ({ workloadId: w.workloadId, code, message });
  const shape = workloadShape(w);
  if (shape) return [flag("inconsistent_workload", shape)];
  const flags: Flag[] = [];
  const tokens = sampleTokens(w);
  if (tokens) flags.push(flag("inconsistent_tokens", tokens));
  const stats = deriveStats(w.samples);
  const spec = parseWorkloadId(w.workloadId)!;
  if (stats && spec.phase !== "ttft") {
    // A batch decodes up to B streams at once: its aggregate ceiling is B single-stream ceilings.
    const ceiling = spec.phase === "decode" || spec.phase === "sustained" ? MAX_DECODE_TOKENS_PER_SEC * spec.nBatch : MAX_PREFILL_TOKENS_PER_SEC;
    const ts = stats.avgTokensPerSec;
    if (ts > ceiling) flags.push(flag("exceeds_ceiling", `${ts.toFixed(0)} tokens/s is above ${ceiling} tokens/s, which no device reaches`));
    if (spec.phase === "decode") {
      const host = HOST_BACKENDS.has(s.device.backend);
      const trafficGBps = (ts * bytesPerDecodedToken(s.model, w.nDepth, w.nGen, w.nBatch)) / 1e9;
      const max = host ? MAX_TRAFFIC_GBPS.host : MAX_TRAFFIC_GBPS.gpu;
      if (trafficGBps > max) {
        flags.push(flag("exceeds_ceiling", `${ts.toFixed(0)} tokens/s reads ${trafficGBps.toFixed(0)} GB/s of weights and KV cache, more than any ${host ? "CPU" : "GPU"} memory delivers (${max} GB/s)`));
      } else {
        const r = decodeRoofline(s, w, ts);
        if (r && r.efficiency > ROOFLINE_TOLERANCE) {
          flags.push(
            flag(
              "exceeds_roofline",
              `${ts.toFixed(1)} tokens/s reads ${((ts * r.bytesPerToken) / 1e9).toFixed(1)} GB/s, ${(r.efficiency * 100).toFixed(0)}% of the ${r.bandwidth.gbps} GB/s (${r.bandwidth.method}) of the memory holding the weights`,
            ),
          );
        }
      }
    }
  }
  const energy = energyProblems(w);
  if (energy) flags.push(flag("inconsistent_energy", energy));
  return flags;
}

/** All plausibility flags of a submission; a workload without flags is plausible. */
export function checkSubmission(s: Submission): Flag[] {
  return s.workloads.flatMap((w) => checkWorkload(w, s));
}
