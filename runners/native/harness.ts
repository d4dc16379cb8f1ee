/**
 * The harness: warm-up, repetitions with the cache cleared between them, depth prefilled untimed,
 * raw samples kept (llama-bench's definitions). Knows nothing of the model or engine internals.
 */
import type { Sample } from "../../lib/core/contracts/submission";
import { TTFT_PROMPT, type WorkloadSpec } from "../../lib/core/contracts/workloads";
import type { InferenceEngine } from "./engine/types";

export interface HarnessHooks {
  /** Called after the warm-up, right before the first timed repetition (a meter window opens). */
  onTimedStart?(): Promise<void> | void;
  /** Called after the last repetition (the meter window closes). */
  onTimedEnd?(): Promise<void> | void;
  onRepetition?(done: number, total: number): void;
}

const now = () => process.hrtime.bigint();

/** Runs one repetition and returns its sample (only the timed part counts). */
async function once(engine: InferenceEngine, w: WorkloadSpec): Promise<Sample> {
  await engine.reset();
  if (w.kind === "ttft") {
    const t0 = now();
    const promptTokens = await engine.firstToken(TTFT_PROMPT);
    return { durationNs: Number(now() - t0), promptTokens, genTokens: 1 };
  }
  if (w.nDepth > 0) await engine.prefill(w.nDepth);
  const t0 = now();
  if (w.nPrompt > 0) await engine.prefill(w.nPrompt);
  const gen = w.nGen > 0 ? await engine.generate(w.nGen) : 0;
  const durationNs = Number(now() - t0);
  return { durationNs: Math.max(1, durationNs), promptTokens: w.nPrompt, genTokens: gen };
}

export async function runWorkload(
  engine: InferenceEngine,
  w: WorkloadSpec,
  repetitions: number,
  hooks: HarnessHooks = {},
): Promise<{ samples: Sample[]; kvBytes: number | null }> {
  await once(engine, w); // warm-up, not recorded
  await hooks.onTimedStart?.();
  const samples: Sample[] = [];
  let kvBytes: number | null = null;
  for (let i = 0; i < repetitions; i++) {
    samples.push(await once(engine, w));
    kvBytes = engine.memory().kvBytes;
    hooks.onRepetition?.(i + 1, repetitions);
  }
  await hooks.onTimedEnd?.();
  await engine.reset();
  return { samples, kvBytes };
}
