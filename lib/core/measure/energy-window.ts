/**
 * Energy inside time windows, from what a meter recorded while the workload ran (pure). A meter
 * records continuously; the harness stamps each timed repetition [t0, t1] with the same monotonic
 * clock; the energy of a repetition is cut out of the recording at exactly those instants, so a
 * workload's energy holds its timed work and nothing else (no warm-up, depth prefill, reset or IPC).
 *
 * Two kinds of recording, as Zeus distinguishes them:
 * - `energy`: a cumulative counter (RAPL, NVML total energy), joules since any origin, monotonic.
 *   Energy between t0 and t1 = counter(t1) - counter(t0), each interpolated linearly between the
 *   reads around it.
 * - `power`: instantaneous watts (sampled meters). Power is taken as linear between samples; the
 *   window's energy is its exact integral.
 * Either way the window must lie between two reads (nothing is extrapolated), and reads farther
 * apart than a few sensor periods around it are reported as a gap.
 *
 * Times are nanoseconds of one monotonic clock (process.hrtime.bigint(), CLOCK_MONOTONIC: the same
 * in the measuring child and the runner), as numbers (2^53 ns is 104 days of uptime).
 */

export interface Recording {
  kind: "energy" | "power";
  /** Read instants, ns, ascending. */
  tNs: readonly number[];
  /** Joules (cumulative, `energy`) or watts (`power`) at each instant. */
  values: readonly number[];
  /** The sensor's update period, ms: a window shorter than a few of these is not resolved. */
  periodMs: number;
}

export interface WindowEnergy {
  energyJ: number;
  /** Sensor reads inside the window. */
  readsInside: number;
  /** Shorter than MIN_PERIODS_PER_WINDOW sensor periods: the figure is an interpolation, flagged. */
  short: boolean;
  /** Reads around or inside the window lie more than MAX_GAP_PERIODS periods apart (the meter stalled). */
  gap: boolean;
}

/** Consecutive reads farther apart than this many sensor periods are a gap in the recording. */
export const MAX_GAP_PERIODS = 3;

/** A window must span at least this many sensor periods to be measured rather than interpolated. */
export const MIN_PERIODS_PER_WINDOW = 3;

/** Linear interpolation of the series at t (held flat outside it). */
function valueAt(tNs: readonly number[], v: readonly number[], t: number): number {
  const n = tNs.length;
  if (t <= tNs[0]!) return v[0]!;
  if (t >= tNs[n - 1]!) return v[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (tNs[mid]! <= t) lo = mid;
    else hi = mid;
  }
  const f = (t - tNs[lo]!) / (tNs[hi]! - tNs[lo]! || 1);
  return v[lo]! + f * (v[hi]! - v[lo]!);
}

/** Exact integral (J) of the piecewise-linear power between t0 and t1. */
function integratePower(tNs: readonly number[], w: readonly number[], t0: number, t1: number): number {
  const pts = [t0, ...tNs.filter((t) => t > t0 && t < t1), t1];
  let j = 0;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    j += ((valueAt(tNs, w, a) + valueAt(tNs, w, b)) / 2) * ((b - a) / 1e9);
  }
  return j;
}

/**
 * The energy of [t0Ns, t1Ns], or null when the recording does not cover the window (a counter
 * must have been read before t0 and after t1; a power series needs one sample).
 */
export function energyInWindow(r: Recording, t0Ns: number, t1Ns: number): WindowEnergy | null {
  const n = r.tNs.length;
  // Both kinds need a read at or before t0 and one at or after t1: nothing is extrapolated.
  if (n === 0 || t1Ns <= t0Ns || r.tNs[0]! > t0Ns || r.tNs[n - 1]! < t1Ns) return null;
  const readsInside = r.tNs.filter((t) => t >= t0Ns && t <= t1Ns).length;
  const short = t1Ns - t0Ns < MIN_PERIODS_PER_WINDOW * r.periodMs * 1e6;
  // The reads that bracket the window and those inside it, consecutive: any pair too far apart is a gap.
  let first = 0;
  while (first + 1 < n && r.tNs[first + 1]! <= t0Ns) first++;
  let last = n - 1;
  while (last - 1 >= 0 && r.tNs[last - 1]! >= t1Ns) last--;
  let gap = false;
  for (let i = first + 1; i <= last; i++) if (r.tNs[i]! - r.tNs[i - 1]! > MAX_GAP_PERIODS * r.periodMs * 1e6) gap = true;
  const energyJ = r.kind === "energy" ? Math.max(0, valueAt(r.tNs, r.values, t1Ns) - valueAt(r.tNs, r.values, t0Ns)) : integratePower(r.tNs, r.values, t0Ns, t1Ns);
  return { energyJ, readsInside, short, gap };
}

/** Mean power (W) over [t0Ns, t1Ns]: an idle baseline. */
export function meanPowerW(r: Recording, t0Ns: number, t1Ns: number): number | null {
  const e = energyInWindow(r, t0Ns, t1Ns);
  return e ? e.energyJ / ((t1Ns - t0Ns) / 1e9) : null;
}
