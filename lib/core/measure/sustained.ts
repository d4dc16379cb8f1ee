/**
 * The `sustained` workload's summary (pure): from its per-interval samples (tokens decoded in each
 * interval of continuous decoding), the peak, the steady state, the throttle ratio, whether the run
 * throttled and when. Throttling is a statistical decision, so that noise is not called throttling:
 *
 * - peak = the median of the first quarter's intervals, steady state = the median of the last
 *   quarter's (quarters of at least 2 intervals): both unbiased, so a run without throttling has a
 *   ratio about 1 however noisy it is (a maximum over the run would sit above its typical speed);
 * - noise (shown with the run) = the robust standard deviation of one interval, from first differences:
 *   MAD(diff) / (0.6745 x sqrt 2) (a drop is one large difference, so it does not inflate the noise);
 * - throttled = a one-sided two-sample t-test says the last quarter is slower than the first at
 *   p < 0.001 AND the drop is at least 5% of the peak (a significant 1% drift is not throttling).
 *   Quarters of 6 intervals or more (runs of 21 or more: the standard run has 30) use Welch's test on
 *   their own variances. Shorter quarters have too few intervals for their own variance: the test
 *   compares their medians (one odd interval moves a mean of 2-5 too far) with the residual SD of the
 *   change-point fit below (the noise around the two speeds, n - 2 degrees of freedom; simulated at
 *   6-20 intervals it called fewer noise-only runs throttled, and found more drops, than the noise
 *   from differences). Runs of under 6 intervals are never called throttled: they cannot tell a
 *   slowdown from noise;
 * - time to throttle = the start of the slow segment of the best single change point (the split of
 *   the run into two segments of constant speed with the least squared error), for a throttled run.
 *
 * tests/unit/sustained.test.ts simulates 2,000 noise-only runs of 30 intervals per noise level (CV 3%,
 * 5%, 10%): under 1% are called throttled, and the median ratio is within 2% of 1; 10-15% drops and
 * the iPhone's 40 → 22.6 tokens/s are found at least 90% of the time.
 */
import { median } from "./stats";
import { studentTUpperTail } from "./student-t";

export interface SustainedSampleLike {
  durationNs: number;
  genTokens: number;
}

export interface SustainedSummary {
  /** Tokens/s of each interval, and when it started (s from the start of the timed part). */
  tokensPerS: number[];
  startS: number[];
  /** The median tokens/s of the first quarter of the run (at least 2 intervals). */
  peakTokensPerS: number;
  /** The median tokens/s of the last quarter of the run (at least 2 intervals). */
  steadyTokensPerS: number;
  /** steady / peak: about 1 is no slowdown (above 1: faster at the end); 0.57 is the iPhone that drops from 40 to 22.6 tokens/s. */
  throttleRatio: number;
  /** One interval's noise relative to the peak (robust SD from first differences / peak); null under 3 intervals. */
  noise: number | null;
  /** The one-sided p-value of "the last quarter is slower than the first"; null for runs too short to test. */
  pValue: number | null;
  /** Significant (p < THROTTLE_ALPHA) and at least MIN_THROTTLE_DROP below the peak. */
  throttled: boolean;
  /** Seconds from the start to the change point where the slow segment begins; null: it did not throttle. */
  timeToThrottleS: number | null;
}

/** The significance level of the throttling test: strict, so that noise is almost never called throttling. */
export const THROTTLE_ALPHA = 0.001;
/** The smallest drop below the peak that counts as throttling, however significant. */
export const MIN_THROTTLE_DROP = 0.05;
/** Runs shorter than this are never called throttled. */
export const MIN_TEST_INTERVALS = 6;
/** Quarters at least this long use their own variances (Welch); shorter ones the change-point fit's residual noise. */
const OWN_VARIANCE_MIN = 6;
/** MAD x 1/0.6745 estimates the standard deviation of normal noise; a difference of two intervals has sqrt 2 x theirs. */
const DIFF_MAD_TO_SD = 1 / (0.6745 * Math.SQRT2);

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: readonly number[]) => {
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
};

/** Robust SD of one interval from first differences (null under 3 intervals). */
export function differenceNoise(xs: readonly number[]): number | null {
  if (xs.length < 3) return null;
  const d = xs.slice(1).map((x, i) => x - xs[i]!);
  const md = median(d);
  return median(d.map((x) => Math.abs(x - md))) * DIFF_MAD_TO_SD;
}

/**
 * One-sided p-value that `first` (the first quarter) is faster than `last` (the last quarter); `fitSd`:
 * the residual SD of the run's change-point fit, for quarters too short for their own variance.
 */
function slowerP(first: number[], last: number[], fitSd: number, n: number): number {
  let diff: number;
  let se: number;
  let df: number;
  if (first.length >= OWN_VARIANCE_MIN) {
    const va = variance(first) / first.length;
    const vb = variance(last) / last.length;
    diff = mean(first) - mean(last);
    se = Math.sqrt(va + vb);
    df = se > 0 ? (va + vb) ** 2 / (va ** 2 / (first.length - 1) + vb ** 2 / (last.length - 1)) : 1;
  } else {
    // Medians (one odd interval moves the mean of 2-5 too far); a median of m > 2 normal values has
    // about sqrt(pi/2) times the standard error of their mean.
    diff = median(first) - median(last);
    se = fitSd * Math.sqrt(1 / first.length + 1 / last.length) * (first.length > 2 ? Math.sqrt(Math.PI / 2) : 1);
    df = n - 2;
  }
  // No spread at all: the difference is exact.
  if (!(se > 0)) return diff > 0 ? 0 : 1;
  return studentTUpperTail(diff / se, df);
}

/** The best single change point (least squares): the index where the second segment starts, and the residual sum of squares. */
export function changePointFit(xs: readonly number[]): { at: number; sse: number } {
  const n = xs.length;
  let sum = 0;
  let sq = 0;
  const pre = [0];
  const pre2 = [0];
  for (const x of xs) {
    sum += x;
    sq += x * x;
    pre.push(sum);
    pre2.push(sq);
  }
  let at = 1;
  let best = Infinity;
  for (let k = 1; k < n; k++) {
    const s1 = pre[k]!;
    const s2 = sum - s1;
    const sse = pre2[k]! - (s1 * s1) / k + (sq - pre2[k]!) - (s2 * s2) / (n - k);
    if (sse < best) {
      best = sse;
      at = k;
    }
  }
  return { at, sse: Math.max(0, best) };
}

export function sustainedSummary(samples: readonly SustainedSampleLike[]): SustainedSummary | null {
  const valid = samples.filter((s) => s.durationNs > 0);
  if (valid.length === 0) return null;
  const tokensPerS = valid.map((s) => (s.genTokens * 1e9) / s.durationNs);
  const startS: number[] = [];
  let t = 0;
  for (const s of valid) {
    startS.push(t);
    t += s.durationNs / 1e9;
  }
  const n = tokensPerS.length;
  const q = Math.max(2, Math.ceil(n / 4));
  const first = tokensPerS.slice(0, Math.min(q, n));
  const last = tokensPerS.slice(-Math.min(q, n));
  const peak = median(first);
  const steady = median(last);
  const sd = differenceNoise(tokensPerS);
  const fit = changePointFit(tokensPerS);
  const pValue = n >= MIN_TEST_INTERVALS ? slowerP(first, last, Math.sqrt(fit.sse / (n - 2)), n) : null;
  const throttled = peak > 0 && pValue != null && pValue < THROTTLE_ALPHA && 1 - steady / peak >= MIN_THROTTLE_DROP;
  return {
    tokensPerS,
    startS,
    peakTokensPerS: peak,
    steadyTokensPerS: steady,
    throttleRatio: peak > 0 ? steady / peak : 0,
    noise: sd != null && peak > 0 ? sd / peak : null,
    pValue,
    throttled,
    timeToThrottleS: throttled ? startS[fit.at]! : null,
  };
}
