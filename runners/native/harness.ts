/**
 * The harness: warm-up, repetitions with the cache cleared between them, depth prefilled untimed,
 * raw samples kept (llama-bench's workload definitions; the engine's decode samples each token,
 * which llama-bench does not: docs/measuring.md, "Decode with sampling"). Knows nothing of the
 * model or engine internals.
 */
import type { MeasuredSample as Sample } from "../../lib/core/measure/build-submission";
import { timedSamples, TTFT_PROMPT, type WorkloadSpec } from "../../lib/core/contracts/workloads";
import type { RepInterval } from "../../lib/core/measure/energy";
import type { InferenceEngine } from "./engine/types";

export interface HarnessHooks {
  /** Called after the warm-up, before the first timed repetition (the meters start recording). */
  onTimedStart?(): Promise<void> | void;
  /** Called after the last repetition (the meters stop). */
  onTimedEnd?(): Promise<void> | void;
  onRepetition?(done: number, total: number): void;
}

/** The monotonic clock (CLOCK_MONOTONIC): the same in this process and in the runner reading the meters. */
const now = () => process.hrtime.bigint();

/** One repetition: its sample and its timed interval [t0Ns, t1Ns] on the monotonic clock. */
async function once(engine: InferenceEngine, w: WorkloadSpec): Promise<{ sample: Sample; interval: RepInterval }> {
  if (engine.sequences !== w.nBatch) throw new Error(`${w.id} needs an engine of ${w.nBatch} sequence(s); this one has ${engine.sequences}`);
  await engine.reset();
  if (w.kind === "ttft") {
    const t0 = now();
    const promptTokens = await engine.firstToken(TTFT_PROMPT);
    const t1 = now();
    return { sample: { durationNs: Math.max(1, Number(t1 - t0)), promptTokens, genTokens: 1 }, interval: { t0Ns: Number(t0), t1Ns: Number(t1) } };
  }
  if (w.nDepth > 0) await engine.prefill(w.nDepth);
  const t0 = now();
  if (w.nPrompt > 0) await engine.prefill(w.nPrompt);
  // Each sequence's first token: their mean from t0 is the batch's time to first token.
  let firstSum = 0n;
  let firsts = 0;
  const gen = w.nGen > 0 ? await engine.generate(w.nGen, () => ((firstSum += now() - t0), firsts++)) : 0;
  const t1 = now();
  // Token counts are totals over the parallel sequences: tokens/s is the batch's aggregate.
  return {
    sample: {
      durationNs: Math.max(1, Number(t1 - t0)),
      promptTokens: w.nPrompt * engine.sequences,
      genTokens: gen,
      firstTokenNs: firsts ? Math.max(1, Math.round(Number(firstSum) / firsts)) : null,
    },
    interval: { t0Ns: Number(t0), t1Ns: Number(t1) },
  };
}

/** Tokens of the sustained workload's warm-up (loads the weights into caches; the device stays cool). */
const SUSTAINED_WARMUP_TOKENS = 16;

/**
 * `sustained`: decodes without a pause for `durationS`, in rounds of nGen tokens from an empty cache;
 * each interval of `intervalS` is a sample (the tokens finished in it over its exact length, cut at
 * the token that crosses the boundary), so rounds' cache resets fall inside the intervals they cost.
 */
async function sustained(engine: InferenceEngine, w: WorkloadSpec, hooks: HarnessHooks): Promise<{ samples: Sample[]; intervals: RepInterval[]; kvBytes: number | null }> {
  if (!w.durationS || !w.intervalS) throw new Error(`${w.id} has no duration`);
  await engine.reset();
  await engine.generate(Math.min(SUSTAINED_WARMUP_TOKENS, w.nGen));
  await hooks.onTimedStart?.();
  const total = timedSamples(w, 1);
  const intervalNs = BigInt(Math.round(w.intervalS * 1e9));
  const samples: Sample[] = [];
  const intervals: RepInterval[] = [];
  let start = now();
  let count = 0;
  const tick = () => {
    count++;
    const t = now();
    if (t - start >= intervalNs) {
      samples.push({ durationNs: Number(t - start), promptTokens: 0, genTokens: count });
      intervals.push({ t0Ns: Number(start), t1Ns: Number(t) });
      hooks.onRepetition?.(samples.length, total);
      start = t;
      count = 0;
    }
    return samples.length < total;
  };
  let kvBytes: number | null = null;
  while (samples.length < total) {
    await engine.reset();
    await engine.generate(w.nGen, undefined, tick);
    kvBytes = engine.memory().kvBytes ?? kvBytes;
  }
  await hooks.onTimedEnd?.();
  await engine.reset();
  return { samples, intervals, kvBytes };
}

export async function runWorkload(
  engine: InferenceEngine,
  w: WorkloadSpec,
  repetitions: number,
  hooks: HarnessHooks = {},
): Promise<{ samples: Sample[]; intervals: RepInterval[]; kvBytes: number | null }> {
  if (w.kind === "sustained") return sustained(engine, w, hooks);
  await once(engine, w); // warm-up, not recorded
  await hooks.onTimedStart?.();
  const samples: Sample[] = [];
  const intervals: RepInterval[] = [];
  let kvBytes: number | null = null;
  for (let i = 0; i < repetitions; i++) {
    const r = await once(engine, w);
    samples.push(r.sample);
    intervals.push(r.interval);
    kvBytes = engine.memory().kvBytes;
    hooks.onRepetition?.(i + 1, repetitions);
  }
  await hooks.onTimedEnd?.();
  await engine.reset();
  return { samples, intervals, kvBytes };
}
