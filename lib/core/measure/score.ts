/**
 * The composite score of a device configuration (issue 31 item 2; docs/methodology.md "The
 * composite score"), in the manner of LocalScore's one number from prompt speed, generation speed
 * and time to first token: the geometric mean of three ratios to a stated reference measurement,
 * times 1,000, so the reference scores 1,000 and a configuration twice as fast on all three 2,000.
 *
 *   score = 1000 × ∛( (pp512 / pp512_ref) × (tg128 / tg128_ref) × (TTFT_ref / TTFT) )
 *
 * Only the reference's model and quantization are scored (speed depends on the model far more than
 * on anything else), TTFT only at the reference's prompt length in tokens (a tokenizer that splits
 * the canonical prompt differently measures another prompt), and never with a workload missing:
 * a geometric mean of two would be another score. Pure: the figures come in, the score or the
 * reason there is none goes out.
 */

/** A measured configuration the score is relative to, with where its figures come from. */
export interface ScoreReference {
  /** The device and configuration, in words. */
  device: string;
  modelName: string;
  quantization: string;
  weights: string;
  /** Medians over the run's repetitions: pp512 and tg128 tokens/s, TTFT ms at `ttftPromptTokens` tokens. */
  pp512Ts: number;
  tg128Ts: number;
  ttftMs: number;
  ttftPromptTokens: number;
  /** The run's start (RFC 3339) and the file that holds its raw samples. */
  measuredAt: string;
  source: string;
}

/**
 * The reference: this project's 2-core AMD EPYC VM (Linux, node-llama-cpp 3.21.1 on the CPU, 2
 * threads, context 1,024), Llama-3.2-1B Q4_0 with synthetic weights (the real model's shape: its
 * speed, never its answers), on a quiet machine. Medians of 3 repetitions each; the run passes the
 * plausibility gate (tests/integration/score-reference.test.ts ingests the file and checks these
 * figures against the stored medians).
 */
export const SCORE_REFERENCE: ScoreReference = {
  device: "2-core AMD EPYC VM (node-llama-cpp 3.21.1, CPU, 2 threads)",
  modelName: "Llama-3.2-1B",
  quantization: "Q4_0",
  weights: "synthetic",
  pp512Ts: 186.41,
  tg128Ts: 34.776,
  ttftMs: 1023.62,
  ttftPromptTokens: 205,
  measuredAt: "2026-12-05T09:22:42.795Z",
  source: "tests/fixtures/submissions/honest/llama-3.2-1b-q4_0-2-core-vm.json",
};

/** One configuration's figures (medians), as the leaderboard's rows hold them; null where not measured. */
export interface ScoreInput {
  modelName: string;
  quantization: string;
  pp512Ts: number | null;
  tg128Ts: number | null;
  ttftMs: number | null;
  ttftPromptTokens: number | null;
}

export type ScoreResult =
  /** `score` rounded to a whole number; `ratios` are the three factors (1 = as the reference). */
  | { score: number; ratios: { pp512: number; tg128: number; ttft: number } }
  | { score: null; reason: string };

const positive = (v: number | null): v is number => v != null && Number.isFinite(v) && v > 0;

/** The score of one configuration against `ref`, or why it has none. */
export function compositeScore(x: ScoreInput, ref: ScoreReference = SCORE_REFERENCE): ScoreResult {
  if (x.modelName !== ref.modelName || x.quantization !== ref.quantization) return { score: null, reason: `the score is for ${ref.modelName} ${ref.quantization} only` };
  const missing = [!positive(x.pp512Ts) && "pp512", !positive(x.tg128Ts) && "tg128", !positive(x.ttftMs) && "TTFT"].filter(Boolean);
  if (missing.length) return { score: null, reason: `no ${missing.join(", ")} measured` };
  if (x.ttftPromptTokens !== ref.ttftPromptTokens)
    return { score: null, reason: `TTFT measured at ${x.ttftPromptTokens ?? "an unknown number of"} prompt tokens, the reference's at ${ref.ttftPromptTokens}` };
  const ratios = { pp512: x.pp512Ts! / ref.pp512Ts, tg128: x.tg128Ts! / ref.tg128Ts, ttft: ref.ttftMs / x.ttftMs! };
  return { score: Math.round(1000 * Math.cbrt(ratios.pp512 * ratios.tg128 * ratios.ttft)), ratios };
}

/** The best-scoring of several configurations (ties: the first), or the reason of the first when none scores. */
export function bestScore<T extends ScoreInput>(rows: readonly T[], ref: ScoreReference = SCORE_REFERENCE): { row: T; result: Extract<ScoreResult, { score: number }> } | { row: null; reason: string } {
  let best: { row: T; result: Extract<ScoreResult, { score: number }> } | null = null;
  let reason: string | null = null;
  for (const row of rows) {
    const r = compositeScore(row, ref);
    if (r.score == null) reason ??= r.reason;
    else if (!best || r.score > best.result.score) best = { row, result: r };
  }
  return best ?? { row: null, reason: reason ?? `no ${ref.modelName} ${ref.quantization} measured` };
}
