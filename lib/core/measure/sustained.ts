/**
 * The `sustained` workload's summary (pure): from its per-interval samples (tokens decoded in each
 * interval of continuous decoding), the peak, the steady state, the throttle ratio and the time to
 * throttle. What counts as a slowdown is measured, not fixed: the interval-to-interval noise of the
 * run itself (robust: the median absolute deviation from the smoothed curve) sets the threshold,
 * within [5%, 50%]: a very quiet run does not call a 1% drift throttling, a very noisy one still calls a
 * halving. Runs of fewer than 6 intervals have no noise estimate and use the 5% floor.
 */
import { median } from "./stats";

export interface SustainedSampleLike {
  durationNs: number;
  genTokens: number;
}

export interface SustainedSummary {
  /** Tokens/s of each interval, and when it started (s from the start of the timed part). */
  tokensPerS: number[];
  startS: number[];
  /** The highest tokens/s of the smoothed curve (the median of each interval and its neighbours). */
  peakTokensPerS: number;
  /** The median tokens/s of the last quarter of the run (at least 3 intervals where there are). */
  steadyTokensPerS: number;
  /** steady / peak: 1 is no slowdown; 0.56 is the iPhone that drops from 40 to 22.6 tokens/s. */
  throttleRatio: number;
  /** The share below the peak that counts as throttling: 3 x the run's relative noise, within [5%, 50%]. */
  threshold: number;
  /** Seconds from the start until the smoothed curve drops below peak x (1 - threshold) for good; null: it never did. */
  timeToThrottleS: number | null;
}

/** The smallest drop that counts as throttling, whatever the noise. */
export const MIN_THROTTLE_THRESHOLD = 0.05;
/** The largest: a run noisier than this still calls a drop to half the peak throttling. */
export const MAX_THROTTLE_THRESHOLD = 0.5;
/** Intervals needed to estimate the noise (fewer: the 5% floor applies). */
export const MIN_NOISE_INTERVALS = 6;
/** MAD x 1.4826 estimates the standard deviation of normal noise. */
const MAD_TO_SD = 1.4826;

/** Median of each value and its neighbours (window 3; the ends use what there is). */
export function rollingMedian(xs: readonly number[]): number[] {
  return xs.map((_, i) => median(xs.slice(Math.max(0, i - 1), i + 2)));
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
  const smooth = rollingMedian(tokensPerS);
  const peak = Math.max(...smooth);
  const tail = Math.min(tokensPerS.length, Math.max(3, Math.ceil(tokensPerS.length / 4)));
  const steady = median(tokensPerS.slice(-tail));
  // Noise is estimated from enough intervals only; a very noisy run still calls a halving throttling.
  const noise = peak > 0 && tokensPerS.length >= MIN_NOISE_INTERVALS ? (median(tokensPerS.map((x, i) => Math.abs(x - smooth[i]!))) * MAD_TO_SD) / peak : 0;
  const threshold = Math.min(MAX_THROTTLE_THRESHOLD, Math.max(MIN_THROTTLE_THRESHOLD, 3 * noise));
  const floor = peak * (1 - threshold);
  let timeToThrottleS: number | null = null;
  if (peak > 0 && steady < floor) {
    // The first interval after the peak from which the smoothed curve stays below the floor.
    const peakAt = smooth.indexOf(peak);
    let k = smooth.length;
    while (k > peakAt + 1 && smooth[k - 1]! < floor) k--;
    timeToThrottleS = k < smooth.length ? startS[k]! : null;
  }
  return {
    tokensPerS,
    startS,
    peakTokensPerS: peak,
    steadyTokensPerS: steady,
    throttleRatio: peak > 0 ? steady / peak : 0,
    threshold,
    timeToThrottleS,
  };
}
