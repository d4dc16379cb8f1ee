/** Descriptive statistics over repetition samples (pure). */

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n - 1), as llama-bench reports it; 0 for a single sample. */
export function stddev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Median (average of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Linear-interpolated percentile, p in [0, 100]. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export interface SampleLike {
  durationNs: number;
  promptTokens: number;
  genTokens: number;
}

export interface DerivedStats {
  avgNs: number;
  stddevNs: number;
  /** Mean over repetitions of tokens/s of each repetition (llama-bench `avg_ts`). */
  avgTokensPerSec: number;
  stddevTokensPerSec: number;
  samplesTokensPerSec: number[];
}

/** llama-bench derivation: tokens/s per repetition = (n_prompt + n_gen) / seconds. */
export function deriveStats(samples: readonly SampleLike[]): DerivedStats | null {
  if (samples.length === 0) return null;
  const ns = samples.map((s) => s.durationNs);
  const ts = samples.map((s) => ((s.promptTokens + s.genTokens) * 1e9) / s.durationNs);
  return {
    avgNs: mean(ns),
    stddevNs: stddev(ns),
    avgTokensPerSec: mean(ts),
    stddevTokensPerSec: stddev(ts),
    samplesTokensPerSec: ts,
  };
}

/**
 * The one statistic every page and the CLI show for a run's figure (issue 27 item 7): the median
 * over repetitions, with their count and spread (the interquartile range, linear interpolation as
 * PostgreSQL's percentile_cont, so the server's views agree to the last digit). Under 2
 * repetitions there is no spread to tell: p25 and p75 are null.
 */
export interface Summary {
  median: number;
  p25: number | null;
  p75: number | null;
  n: number;
}

export function summarize(xs: readonly number[]): Summary | null {
  const v = xs.filter((x) => Number.isFinite(x));
  if (v.length === 0) return null;
  const spread = v.length > 1;
  return { median: median(v), p25: spread ? percentile(v, 25) : null, p75: spread ? percentile(v, 75) : null, n: v.length };
}

export interface RunSummary {
  /** Per-repetition duration (ns). */
  ns: Summary;
  /** Per-repetition tokens/s ((prompt + generated) / s); null for `ttft`, a latency. */
  ts: Summary | null;
  /** Median time to the first generated token (ns), where one was timed. */
  firstTokenNs: number | null;
}

export function runSummary(workloadId: string, samples: readonly (SampleLike & { firstTokenNs?: number | null })[]): RunSummary | null {
  const ns = summarize(samples.map((s) => s.durationNs));
  if (!ns) return null;
  const ts = workloadId === "ttft" ? null : summarize(samples.filter((s) => s.durationNs > 0).map((s) => ((s.promptTokens + s.genTokens) * 1e9) / s.durationNs));
  const first = samples.map((s) => s.firstTokenNs).filter((x): x is number => x != null);
  return { ns, ts, firstTokenNs: first.length ? median(first) : null };
}

/**
 * Time to first token, in milliseconds, with the prompt length it was measured at (MLPerf Client
 * reports TTFT in seconds for a defined prompt length; vLLM and AIPerf in ms with percentiles).
 * Never a tokens/s figure: that would mix a short prefill rate with fixed latency.
 */
export interface TtftStats {
  medianMs: number;
  /** The interquartile range (null under 2 repetitions) and the repetitions. */
  p25Ms: number | null;
  p75Ms: number | null;
  n: number;
  p90Ms: number;
  meanMs: number;
  stddevMs: number;
  /** Prompt tokens of the repetitions (the tokenizer decides; the median if they differ). */
  promptTokens: number;
}

export function ttftStats(samples: readonly SampleLike[]): TtftStats | null {
  if (samples.length === 0) return null;
  const ms = samples.map((s) => s.durationNs / 1e6);
  const spread = ms.length > 1;
  return { medianMs: median(ms), p25Ms: spread ? percentile(ms, 25) : null, p75Ms: spread ? percentile(ms, 75) : null, n: ms.length, p90Ms: percentile(ms, 90), meanMs: mean(ms), stddevMs: stddev(ms), promptTokens: median(samples.map((s) => s.promptTokens)) };
}

/** Tokens/s statistics of a workload, none for `ttft` (a latency, reported by ttftStats). */
export function throughputStats(workloadId: string, samples: readonly SampleLike[]): DerivedStats | null {
  return workloadId === "ttft" ? null : deriveStats(samples);
}
