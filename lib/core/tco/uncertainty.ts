/**
 * Uncertainty of the TCO model (pure): Monte Carlo over triangular distributions (low, chosen
 * value, high) of every ranged input, a tornado of one-at-a-time swings, percentiles.
 */
import { ASSUMPTIONS, ASSUMPTION_KEYS, type AssumptionKey } from "./assumptions";
import { evaluate, type TcoInputs, type TcoResult } from "./model";

/** Deterministic PRNG (mulberry32) so a scenario's Monte Carlo is reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inverse-CDF draw from a triangular distribution (lo <= mode <= hi). */
export function triangular(u: number, lo: number, mode: number, hi: number): number {
  if (hi <= lo) return mode;
  const c = (mode - lo) / (hi - lo);
  return u < c ? lo + Math.sqrt(u * (hi - lo) * (mode - lo)) : hi - Math.sqrt((1 - u) * (hi - lo) * (hi - mode));
}

/** The range of one input around the value chosen for it (the chosen value always lies inside). */
export function rangeOf(key: AssumptionKey, value: number): [number, number] {
  const a = ASSUMPTIONS[key];
  return [Math.min(a.low, value), Math.max(a.high, value)];
}

export type Metric = (r: TcoResult) => number;
export const METRICS = {
  netEnergySavedMwh: (r: TcoResult) => r.net.energySavedMwh,
  dcCostAvoidedUsd: (r: TcoResult) => r.dc.costAvoidedLongRunUsd,
  dcPowerAvoidedMw: (r: TcoResult) => r.dc.avgPowerAvoidedMw,
  netCarbonSavedT: (r: TcoResult) => r.net.carbonSavedT,
} satisfies Record<string, Metric>;
export type MetricKey = keyof typeof METRICS;

export interface Percentiles {
  p10: number;
  p50: number;
  p90: number;
  mean: number;
}

function pct(sorted: Float64Array, p: number): number {
  const r = p * (sorted.length - 1);
  const lo = Math.floor(r);
  const hi = Math.ceil(r);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (r - lo);
}

export function monteCarlo(i: TcoInputs, draws = 10_000, seed = 1): Record<MetricKey, Percentiles> {
  const rand = mulberry32(seed);
  const keys = Object.keys(METRICS) as MetricKey[];
  const values = Object.fromEntries(keys.map((k) => [k, new Float64Array(draws)])) as Record<MetricKey, Float64Array>;
  const ranges = ASSUMPTION_KEYS.map((k) => [k, ...rangeOf(k, i[k]), i[k]] as const);
  const x = { ...i };
  for (let d = 0; d < draws; d++) {
    for (const [k, lo, hi, mode] of ranges) x[k] = triangular(rand(), lo, mode, hi);
    const r = evaluate(x);
    for (const k of keys) values[k][d] = METRICS[k](r);
  }
  return Object.fromEntries(
    keys.map((k) => {
      const v = values[k].sort();
      let s = 0;
      for (const y of v) s += y;
      return [k, { p10: pct(v, 0.1), p50: pct(v, 0.5), p90: pct(v, 0.9), mean: s / draws }];
    }),
  ) as Record<MetricKey, Percentiles>;
}

export interface TornadoBar {
  key: AssumptionKey;
  label: string;
  low: number;
  high: number;
  /** Metric with the input at its low / high end, others at their chosen values. */
  atLow: number;
  atHigh: number;
  swing: number;
}

export function tornado(i: TcoInputs, metric: MetricKey, top = 8): TornadoBar[] {
  const f = METRICS[metric];
  return ASSUMPTION_KEYS.map((k) => {
    const [lo, hi] = rangeOf(k, i[k]);
    const atLow = f(evaluate({ ...i, [k]: lo }));
    const atHigh = f(evaluate({ ...i, [k]: hi }));
    return { key: k, label: ASSUMPTIONS[k].label, low: lo, high: hi, atLow, atHigh, swing: Math.abs(atHigh - atLow) };
  })
    .filter((b) => b.swing > 0)
    .sort((a, b) => b.swing - a.swing)
    .slice(0, top);
}
