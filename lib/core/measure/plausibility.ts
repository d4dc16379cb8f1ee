/**
 * Plausibility of a submission, recomputed by the server from the raw samples and readings (pure):
 * nothing the client computed (tokens/s, J/token, above-idle) is taken on trust, nor the model
 * layout it declares. A result that fails a check is stored with the reason, flagged, and kept off
 * the leaderboard; only the offending workload is flagged, never the whole run.
 *
 * Checks, for every workload of every backend and model size (browser runs and imports included):
 * - the workload id says what was measured: its nPrompt/nGen/nDepth, and each sample's token counts
 *   (the engine's own prompt count within 2%, for browser engines whose prompts are calibrated text);
 * - the model: the layout the server trusts (lib/core/measure/model-catalog.ts), and claims that
 *   disagree with it, or with what a model file can be, flagged with the reason;
 * - physics, every repetition: no repetition takes less time than its prompt's arithmetic at the
 *   device class's peak rate plus its decode steps' reads at the peak bandwidth of the memory (and
 *   the largest cache) that can hold the weights (lib/core/measure/physics.ts). Decode, prefill,
 *   mixed, batched, sustained and TTFT all get this bound. The runner's measured bandwidth is a
 *   diagnostic (roofline %), never a ceiling: llama.cpp's kernels may read faster than its stream;
 * - tokens/s below ceilings no device reaches, per phase;
 * - energy: each reading's window is the timed samples, its energy is its average power times its
 *   window, its power is within what that scope draws on that class of device, its tier is one its
 *   method can give (a modelled figure never passes as measured), its idle power lies between the
 *   run's idle readings before and after the workloads (the runner interpolates between them), and
 *   the workload's J/token and above-idle J/token are what the readings give;
 * - idle drift: the baselines before and after the workloads moved apart by more than a tenth of
 *   what the workload added above idle ("idle_drift"): its above-idle figure is not known to 10%, and
 *   is withheld; its speed and total J/token do not depend on the baseline and stay ranked;
 * - load: a run measured while other processes used the CPU, or in a VM whose host took its time
 *   (steal), is "busy"; one whose repetitions spread widely is "noisy". Both are kept off rankings.
 * Every other flag keeps its workload off rankings (speed and energy alike).
 */
import type { PowerReading, Submission, WorkloadResult } from "../contracts/submission";
import { parseWorkloadId } from "../contracts/workloads";
import { deviceEnergy, energyPerToken } from "./energy";
import { judgeLayout, builtInLayout, type LayoutVerdict, type TrustedLayout } from "./model-catalog";
import { computePeak, memoryPeak, minDecodeStepSeconds, minPrefillSeconds, powerRange } from "./physics";
import { deriveStats } from "./stats";

/** Ceilings no single device reaches (tokens/s for one sequence). */
export const MAX_DECODE_TOKENS_PER_SEC = 100_000;
export const MAX_PREFILL_TOKENS_PER_SEC = 10_000_000;
/** The engine's prompt count may differ from the nominal one by this share (+1 for BOS). */
export const PROMPT_TOKEN_TOLERANCE = 0.02;
/** Relative agreement between a stated energy figure and the one recomputed from its parts. */
export const ENERGY_TOLERANCE = 0.02;
/** A reading's window and the timed samples' total agree within this share. */
export const WINDOW_TOLERANCE = 0.02;
/**
 * Busy: other processes used more than this share of the machine's CPU time during the workload,
 * or the hypervisor took more than BUSY_STEAL_SHARE of it (steal).
 */
export const BUSY_OTHER_SHARE = 0.1;
export const BUSY_STEAL_SHARE = 0.05;
/**
 * CPU times tick every 10 ms, and repetitions of a few ms jitter by scheduling alone: under this much
 * timed work a run is not judged busy or noisy.
 */
export const BUSY_MIN_WALL_NS = 1e9;
/** Noisy: the repetitions' tokens/s spread more than this (coefficient of variation), from 3 repetitions. */
export const NOISY_CV = 0.15;
/**
 * Idle drift: the idle baselines before and after the workloads (summed over the workload's
 * energy scope) may differ by at most this share of the power the workload added above idle. The
 * runner interpolates linearly between them, which is exact for a steady drift; for a step or an
 * excursion the error left in the workload's above-idle energy is up to |after - before| over what
 * it added, so past this share its above-idle figure is not known to 10% (review N5: "flag |drift|
 * above ~10% of (active - idle)"). Judged per workload against its own added power, not a run mean:
 * a workload that adds little (TTFT) is the one whose figure the drift spoils.
 */
export const IDLE_DRIFT_SHARE = 0.1;

/**
 * Flags that withhold a workload's above-idle energy (the figures the baseline enters: J/token above
 * idle, per phase too) and leave it ranked, because what they doubt is the baseline alone. Every other
 * flag takes the workload off the rankings.
 */
export const ABOVE_IDLE_ONLY_FLAGS: readonly Flag["code"][] = ["idle_drift"];
/** Whether a flag takes its workload (or, run-wide, the run) off the rankings. */
export const rankingFlag = (f: Pick<Flag, "code">) => !ABOVE_IDLE_ONLY_FLAGS.includes(f.code);

export const FLAG_CODES = [
  "inconsistent_workload",
  "inconsistent_tokens",
  "exceeds_ceiling",
  "exceeds_physics",
  "model_mismatch",
  "exceeds_roofline", // no longer raised: kept for results flagged before physics bounds
  "inconsistent_energy",
  "implausible_power",
  "busy",
  "noisy",
  "output_differs",
  "idle_drift",
] as const;

export interface Flag {
  workloadId: string | null;
  code: (typeof FLAG_CODES)[number];
  message: string;
}

/** What the server knows beyond the submission: the model layout its catalog trusts for this file. */
export interface CheckContext {
  trustedLayout?: TrustedLayout | null;
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

/** KV bytes per token as stored: a quantized cache (q8_0, q4_0...) holds about half of f16 or less. */
function kvFactor(s: Pick<Submission, "options">): number {
  const t = s.options.typeK?.toLowerCase();
  return !t || t === "f16" || t === "bf16" ? 1 : t === "f32" ? 2 : 0.25;
}

/**
 * The least time a repetition can take on this device, seconds: its prompt's arithmetic at the
 * class's peak rate, and each decode step's reads (weights once per step for all sequences, each
 * sequence's KV cache at its depth) at the peak bandwidth of the memory or cache holding them.
 */
export function minRepetitionSeconds(w: WorkloadResult, sample: WorkloadResult["samples"][number], s: Pick<Submission, "device" | "options">, layout: LayoutVerdict["layout"]): number {
  const params = layout.parameterCount ?? layout.weightsReadPerTokenBytes / 4;
  const kv = (layout.kvBytesPerToken ?? 0) * kvFactor(s);
  const steps = sample.genTokens / Math.max(1, w.nBatch);
  // Each step reads the weights and every sequence's cache up to its mean depth (prompt + depth + half the generation).
  const depth = w.nDepth + sample.promptTokens / Math.max(1, w.nBatch) + steps / 2;
  const step = steps > 0 ? minDecodeStepSeconds(s.device, layout.weightsReadPerTokenBytes + kv * w.nBatch * depth) : 0;
  return minPrefillSeconds(s.device, params, sample.promptTokens) + steps * step;
}

function physics(w: WorkloadResult, s: Pick<Submission, "device" | "options">, layout: LayoutVerdict["layout"]): string | null {
  for (const [i, smp] of w.samples.entries()) {
    const min = minRepetitionSeconds(w, smp, s, layout);
    const took = smp.durationNs / 1e9;
    if (took < min) {
      const mem = memoryPeak(s.device);
      const cpt = computePeak(s.device);
      const what = smp.genTokens > 0 ? `${smp.genTokens} tokens generated` : `${smp.promptTokens} prompt tokens`;
      return `repetition ${i + 1} took ${(took * 1e3).toPrecision(3)} ms for ${what}; this device cannot do it in under ${(min * 1e3).toPrecision(3)} ms (${(layout.weightsReadPerTokenBytes / 1e6).toPrecision(3)} MB read a step at ${mem.value} GB/s, ${(((layout.parameterCount ?? 0) * 2) / 1e9).toPrecision(3)} GFLOP a prompt token at ${cpt.value} TFLOP/s; ${mem.source})`;
    }
  }
  return null;
}

/** A sensor's idle power in a baseline (the run's idlePower or idlePowerAfter), W; null where it has none. */
const idleW = (baseline: readonly PowerReading[], sensor: string): number | null => baseline.find((x) => x.sensor === sensor && x.avgPowerW != null)?.avgPowerW ?? null;

function energyProblems(w: WorkloadResult, s: Pick<Submission, "device" | "idlePower" | "idlePowerAfter">): { code: "inconsistent_energy" | "implausible_power"; message: string } | null {
  const timedNs = w.samples.reduce((a, x) => a + x.durationNs, 0);
  const bad = (message: string) => ({ code: "inconsistent_energy" as const, message });
  for (const r of w.power) {
    if (r.method === "unavailable" || r.energyJ == null) continue;
    const seconds = r.durationNs / 1e9;
    if (!near(r.durationNs, timedNs, WINDOW_TOLERANCE)) return bad(`${r.sensor}: its window is ${seconds.toFixed(3)} s but the timed repetitions take ${(timedNs / 1e9).toFixed(3)} s`);
    if (r.avgPowerW != null && !near(r.energyJ, r.avgPowerW * seconds, ENERGY_TOLERANCE)) return bad(`${r.sensor}: ${r.energyJ.toFixed(3)} J is not ${r.avgPowerW.toFixed(3)} W over ${seconds.toFixed(3)} s`);
    const tier = tierProblem(r);
    if (tier) return bad(`${r.sensor}: ${tier}`);
    const watts = r.energyJ / seconds;
    const range = powerRange(r.scope, s.device.deviceClass);
    if (watts < range.min || watts > range.max) {
      return { code: "implausible_power", message: `${r.sensor}: ${watts.toPrecision(3)} W is outside what a ${r.scope} sensor of a ${s.device.deviceClass} device reads while it computes (${range.min}-${range.max} W)` };
    }
    if (r.idlePowerW != null) {
      // Interpolated over the workload's own repetitions, it lies between the two baselines; where
      // the window's times are not in the submission, that is what the server can check.
      const before = idleW(s.idlePower, r.sensor);
      if (before == null) return bad(`${r.sensor}: an idle power of ${r.idlePowerW} W with no idle reading of that sensor`);
      const after = idleW(s.idlePowerAfter, r.sensor);
      const [lo, hi] = after == null ? [before, before] : [Math.min(before, after), Math.max(before, after)];
      const between = (r.idlePowerW >= lo && r.idlePowerW <= hi) || near(r.idlePowerW, lo, ENERGY_TOLERANCE) || near(r.idlePowerW, hi, ENERGY_TOLERANCE);
      if (!between) {
        return bad(
          after == null
            ? `${r.sensor}: an idle power of ${r.idlePowerW} W, but its idle reading is ${before.toPrecision(4)} W`
            : `${r.sensor}: an idle power of ${r.idlePowerW} W, but its idle readings are ${before.toPrecision(4)} W before and ${after.toPrecision(4)} W after the workloads (it lies between them)`,
        );
      }
    }
  }
  const e = w.energyPerToken;
  if (e?.totalJ != null) {
    const tokens = w.samples.reduce((a, x) => a + x.promptTokens + x.genTokens, 0);
    const again = energyPerToken(w.power, tokens);
    if (!again?.totalJ || !near(again.totalJ, e.totalJ, ENERGY_TOLERANCE)) {
      return bad(`${e.totalJ} J/token is not what the readings give (${again?.totalJ == null ? "no usable reading" : `${again.totalJ.toPrecision(4)} J/token`})`);
    }
    if (e.aboveIdleJ != null && (again.aboveIdleJ == null || Math.abs(again.aboveIdleJ - e.aboveIdleJ) > ENERGY_TOLERANCE * again.totalJ)) {
      return bad(`${e.aboveIdleJ} J/token above idle is not what the readings and idle power give (${again.aboveIdleJ == null ? "no idle power" : `${again.aboveIdleJ.toPrecision(4)} J/token`})`);
    }
    if (e.tier !== again.tier) return bad(`the J/token says tier ${e.tier} but its readings are ${again.tier}`);
    const perRep = w.samples.map((x) => x.energyJ);
    if (perRep.every((x) => x != null)) {
      const sum = perRep.reduce((a, x) => a! + x!, 0)!;
      if (!near(sum / tokens, e.totalJ, ENERGY_TOLERANCE)) return bad(`the repetitions' energy (${sum.toPrecision(4)} J) is not ${e.totalJ} J/token over ${tokens} tokens`);
    }
  }
  return null;
}

/**
 * The idle baselines before and after the workloads, in the workload's energy scope, moved apart by
 * more than IDLE_DRIFT_SHARE of the power the workload added above idle. Null where the workload has
 * no above-idle figure or a baseline of one of its sensors is missing (nothing to judge).
 */
export function idleDriftProblem(w: WorkloadResult, s: Pick<Submission, "idlePower" | "idlePowerAfter">): string | null {
  const e = deviceEnergy(w.power);
  if (!e || e.idleW == null) return null;
  let beforeW = 0;
  let afterW = 0;
  for (const sensor of e.sensors) {
    const b = idleW(s.idlePower, sensor);
    const a = idleW(s.idlePowerAfter, sensor);
    if (b == null || a == null) return null;
    beforeW += b;
    afterW += a;
  }
  const driftW = afterW - beforeW;
  const addedW = e.energyJ / (e.durationNs / 1e9) - e.idleW;
  // Rounding is not drift: a baseline equal to a millionth of itself did not move (a constant power
  // averaged over two windows differs in the last bits).
  if (Math.abs(driftW) <= Math.max(IDLE_DRIFT_SHARE * Math.max(0, addedW), 1e-6 * Math.abs(beforeW))) return null;
  const moved = `the idle baseline (${e.scope}) moved from ${beforeW.toPrecision(4)} W before the workloads to ${afterW.toPrecision(4)} W after them (${driftW > 0 ? "+" : ""}${driftW.toPrecision(3)} W)`;
  const added =
    addedW > 0
      ? `${(Math.abs(driftW / addedW) * 100).toFixed(0)}% of the ${addedW.toPrecision(3)} W this workload added above idle (over ${IDLE_DRIFT_SHARE * 100}%)`
      : `while this workload added nothing measurable above idle (${addedW.toPrecision(3)} W)`;
  return `${moved}, ${added}: its above-idle energy is not known to within ${IDLE_DRIFT_SHARE * 100}%`;
}

/** A reading's tier must be one its method and sensor can give: a modelled figure is never "measured". */
export function tierProblem(r: Pick<PowerReading, "tier" | "method" | "scope" | "sensor">): string | null {
  if (r.tier == null) return null;
  if ((r.method === "estimated" || r.sensor.startsWith("modelled")) && r.tier !== "modelled") return `a ${r.method} reading cannot be tier "${r.tier}": it is modelled`;
  if (r.tier === "counter" && r.method !== "counter") return `tier "counter" needs an energy counter, not a ${r.method} reading`;
  if ((r.tier === "sampled" || r.tier === "external") && r.method !== "sampled" && r.method !== "counter") return `tier "${r.tier}" needs a measured reading, not ${r.method}`;
  if (r.tier === "battery" && r.scope !== "battery") return `tier "battery" is a battery's discharge, not a ${r.scope} reading`;
  if (r.tier === "external" && r.scope !== "wall" && r.scope !== "battery") return `tier "external" is a meter between the device and its supply, not a ${r.scope} sensor`;
  return null;
}

/** Busy or noisy: the machine was not the run's alone, or the repetitions disagree. */
function loadProblems(w: WorkloadResult, spread: { cv: number; n: number } | null): { code: "busy" | "noisy"; message: string } | null {
  const l = w.load;
  if (l && l.wallNs >= BUSY_MIN_WALL_NS) {
    const capacity = l.wallNs * l.logicalCpus;
    const other = l.otherCpuNs / capacity;
    if (other > BUSY_OTHER_SHARE) return { code: "busy", message: `other processes used ${(other * 100).toFixed(0)}% of the machine's CPU time while it ran (over ${BUSY_OTHER_SHARE * 100}%): measured on a busy machine` };
    const steal = (l.stealNs ?? 0) / capacity;
    if (steal > BUSY_STEAL_SHARE) return { code: "busy", message: `the hypervisor took ${(steal * 100).toFixed(0)}% of the CPU time (steal) while it ran (over ${BUSY_STEAL_SHARE * 100}%)` };
  }
  const timedNs = w.samples.reduce((a, x) => a + x.durationNs, 0);
  if (spread && spread.n >= 3 && timedNs >= BUSY_MIN_WALL_NS && spread.cv > NOISY_CV) return { code: "noisy", message: `its ${spread.n} repetitions spread ${(spread.cv * 100).toFixed(0)}% (coefficient of variation, over ${NOISY_CV * 100}%): too noisy to rank` };
  return null;
}

export function checkWorkload(w: WorkloadResult, s: Pick<Submission, "device" | "model" | "options" | "idlePower" | "idlePowerAfter">, verdict: LayoutVerdict = judgeLayout(s.model, builtInLayout(s.model))): Flag[] {
  if (w.status !== "ok") return [];
  const flag = (code: Flag["code"], message: string): Flag => ({ workloadId: w.workloadId, code, message });
  const shape = workloadShape(w);
  if (shape) return [flag("inconsistent_workload", shape)];
  const flags: Flag[] = [];
  if (verdict.problems.length) flags.push(flag("model_mismatch", `the model ${verdict.problems.join("; ")}`));
  const tokens = sampleTokens(w);
  if (tokens) flags.push(flag("inconsistent_tokens", tokens));
  const stats = deriveStats(w.samples);
  const spec = parseWorkloadId(w.workloadId)!;
  if (stats && spec.phase !== "ttft") {
    // A batch decodes up to B streams at once: its aggregate ceiling is B single-stream ceilings.
    const ceiling = spec.phase === "decode" || spec.phase === "sustained" ? MAX_DECODE_TOKENS_PER_SEC * spec.nBatch : MAX_PREFILL_TOKENS_PER_SEC;
    const ts = stats.avgTokensPerSec;
    if (ts > ceiling) flags.push(flag("exceeds_ceiling", `${ts.toFixed(0)} tokens/s is above ${ceiling} tokens/s, which no device reaches`));
  }
  const phys = physics(w, s, verdict.layout);
  if (phys) flags.push(flag("exceeds_physics", phys));
  const energy = energyProblems(w, s);
  if (energy) flags.push(flag(energy.code, energy.message));
  const drift = idleDriftProblem(w, s);
  if (drift) flags.push(flag("idle_drift", drift));
  // A sustained run's intervals are meant to change (throttling): its spread is not noise.
  const spread = stats && spec.phase !== "sustained" && stats.avgTokensPerSec > 0 ? { cv: stats.stddevTokensPerSec / stats.avgTokensPerSec, n: w.samples.length } : null;
  const load = loadProblems(w, spread);
  if (load) flags.push(flag(load.code, load.message));
  return flags;
}

/** All plausibility flags of a submission; a workload without flags is plausible. */
export function checkSubmission(s: Submission, ctx: CheckContext = {}): Flag[] {
  const verdict = judgeLayout(s.model, ctx.trustedLayout ?? builtInLayout(s.model));
  return s.workloads.flatMap((w) => checkWorkload(w, s, verdict));
}
