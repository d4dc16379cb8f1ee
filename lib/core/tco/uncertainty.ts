/**
 * Uncertainty of the TCO model (pure): Monte Carlo over triangular distributions (low, chosen
 * value, high) of every ranged input, a tornado of one-at-a-time swings, percentiles.
 *
 * Identities the draws keep:
 * - Decision levers (LEVER_KEYS: the offload share and how it is split, the baseline, the devices,
 *   the carbon price) are held at their chosen values unless `sampleLevers`.
 * - Which cloud model the offloaded work replaces is a choice, not noise: the replaced model's
 *   J/token moves with the fleet's draw (same hardware and batching), so their ratio r holds in every
 *   draw (r = 1 for the Tirias preset); PUE multiplies both.
 * - The two grids (data center, users) are drawn correlated (a Gaussian copula, rho =
 *   GRID_CORRELATION, an estimate): both follow the same decarbonisation.
 * With every range symmetric around its chosen value, the median of the draws sits within a few
 * percent of the point result; `medianNote` names the inputs whose ranges move it when it does not.
 */
import { ASSUMPTIONS, ASSUMPTION_KEYS, LEVER_KEYS, LINKED_KEYS, type AssumptionKey } from "./assumptions";
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

/**
 * One input set to `value`, with the inputs linked to it: the replaced model's J/token follows the
 * fleet's by the same factor (its ratio to the fleet is a choice).
 */
export function withInput(i: TcoInputs, key: AssumptionKey, value: number): TcoInputs {
  if (key === "fleetItJPerToken") return { ...i, fleetItJPerToken: value, dcItJPerToken: (i.dcItJPerToken * value) / i.fleetItJPerToken };
  return { ...i, [key]: value };
}

export type Metric = (r: TcoResult) => number;
export const METRICS = {
  netEnergySavedMwh: (r: TcoResult) => r.net.energySavedMwh,
  dcCostAvoidedUsd: (r: TcoResult) => r.dc.costAvoidedLongRunUsd,
  dcPowerAvoidedMw: (r: TcoResult) => r.dc.avgPowerAvoidedMw,
  netCarbonSavedT: (r: TcoResult) => r.net.carbonSavedT,
  netUsd: (r: TcoResult) => r.net.usd,
  usersUsd: (r: TcoResult) => -r.whoPays.users.usd,
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

/** Correlation of the data-center and the users' grid carbon intensity in the draws (estimate: both follow one decarbonisation). */
export const GRID_CORRELATION = 0.8;

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Two uniforms whose normal scores have correlation rho (Box-Muller, then the CDF). */
export function correlatedUniforms(rand: () => number, rho: number): [number, number] {
  const u1 = Math.max(rand(), 1e-12);
  const u2 = rand();
  const r = Math.sqrt(-2 * Math.log(u1));
  const z1 = r * Math.cos(2 * Math.PI * u2);
  const z2 = r * Math.sin(2 * Math.PI * u2);
  return [normalCdf(z1), normalCdf(rho * z1 + Math.sqrt(1 - rho * rho) * z2)];
}

export interface MonteCarloOptions {
  /** Sample the decision levers too (offload share, baseline). Default: held at their chosen values. */
  sampleLevers?: boolean;
  /** Correlation of the two grids; 0 draws them independently. */
  gridCorrelation?: number;
}

/** The inputs a Monte Carlo draws on their own: every ranged input but the linked ones, the decision levers only when asked. */
export function sampledKeys(o: MonteCarloOptions = {}): AssumptionKey[] {
  return ASSUMPTION_KEYS.filter((k) => !LINKED_KEYS.includes(k) && (o.sampleLevers || !LEVER_KEYS.includes(k)));
}

export type MonteCarloResult = Record<MetricKey, Percentiles>;

export function monteCarlo(i: TcoInputs, draws = 10_000, seed = 1, o: MonteCarloOptions = {}): MonteCarloResult {
  const rand = mulberry32(seed);
  const keys = Object.keys(METRICS) as MetricKey[];
  const values = Object.fromEntries(keys.map((k) => [k, new Float64Array(draws)])) as Record<MetricKey, Float64Array>;
  const grids: AssumptionKey[] = ["dcGridGPerKwh", "deviceGridGPerKwh"];
  const sampled = sampledKeys(o).filter((k) => !grids.includes(k));
  const ranges = sampled.map((k) => [k, ...rangeOf(k, i[k]), i[k]] as const);
  const [dcLo, dcHi] = rangeOf("dcGridGPerKwh", i.dcGridGPerKwh);
  const [usLo, usHi] = rangeOf("deviceGridGPerKwh", i.deviceGridGPerKwh);
  const rho = o.gridCorrelation ?? GRID_CORRELATION;
  const x = { ...i };
  for (let d = 0; d < draws; d++) {
    for (const [k, lo, hi, mode] of ranges) x[k] = triangular(rand(), lo, mode, hi);
    x.dcItJPerToken = (i.dcItJPerToken * x.fleetItJPerToken) / i.fleetItJPerToken; // linked: r holds
    const [ua, ub] = correlatedUniforms(rand, rho);
    x.dcGridGPerKwh = triangular(ua, dcLo, i.dcGridGPerKwh, dcHi);
    x.deviceGridGPerKwh = triangular(ub, usLo, i.deviceGridGPerKwh, usHi);
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
  ) as MonteCarloResult;
}

/** Median of a triangular distribution. */
export function triangularMedian(lo: number, mode: number, hi: number): number {
  return triangular(0.5, lo, mode, hi);
}

/**
 * Why the median of the draws differs from the point result: null when within 5%; otherwise a
 * sentence naming the inputs that move it, each by how much the metric changes when that input
 * alone goes from its chosen value to the median of its draws (an input whose chosen value sits
 * near one end of its range has its median away from it). What those shifts do not explain is the
 * model's non-linearity (products and ratios of inputs).
 */
export function medianNote(i: TcoInputs, metric: MetricKey, p: Percentiles, label: string, sampleLevers = false, format: (v: number) => string = (v) => String(Number(v.toPrecision(3)))): string | null {
  const f = METRICS[metric];
  const point = f(evaluate(i));
  const diff = p.p50 - point;
  if (Math.abs(diff) <= 0.05 * Math.max(Math.abs(point), Math.abs(p.p50))) return null;
  const shifts = sampledKeys({ sampleLevers })
    .map((k) => {
      const [lo, hi] = rangeOf(k, i[k]);
      const m = triangularMedian(lo, i[k], hi);
      return { k, m, delta: f(evaluate(withInput(i, k, m))) - point };
    })
    .filter((s) => s.delta !== 0 && Math.sign(s.delta) === Math.sign(diff))
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))
    .slice(0, 3);
  const short = (v: number) => String(Number(v.toPrecision(3))); // 1000, 0.93, 0.0634: no exponent for ordinary inputs
  const named = shifts.map((s) => `${ASSUMPTIONS[s.k].label} (chosen ${short(i[s.k])}, median of its draws ${short(s.m)}: ${diff > 0 ? "+" : ""}${format(s.delta)})`);
  const explained = shifts.reduce((a, s) => a + s.delta, 0);
  const rest = diff - explained;
  return (
    `The median of the draws (${label}) is ${format(p.p50)}, ${diff > 0 ? "above" : "below"} the point result ${format(point)}. ` +
    (named.length ? `Inputs whose chosen value sits near one end of its range move it most: ${named.join("; ")}. ` : "") +
    (Math.abs(rest) > 0.25 * Math.abs(diff) ? `The rest (${format(rest)}) comes from the model's products and ratios of uncertain inputs. ` : "") +
    (sampleLevers ? "The decision levers (offload share, baseline) are sampled too." : "The decision levers (offload share and its split, baseline, devices) are held at their chosen values.")
  );
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
    const atLow = f(evaluate(withInput(i, k, lo)));
    const atHigh = f(evaluate(withInput(i, k, hi)));
    return { key: k, label: ASSUMPTIONS[k].label, low: lo, high: hi, atLow, atHigh, swing: Math.abs(atHigh - atLow) };
  })
    .filter((b) => b.swing > 0)
    .sort((a, b) => b.swing - a.swing)
    .slice(0, top);
}
