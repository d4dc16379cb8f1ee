/**
 * Performance over time for one device, model, quantization, backend and workload: runs grouped by
 * what they ran with (engine version, build, options), and a change flagged at a boundary between
 * two groups when the difference of their means exceeds the measured run-to-run noise: Welch's t
 * (|mean_b - mean_a| / sqrt(var_a / n_a + var_b / n_b)) above Student's t at two-sided p = 0.002 for
 * the Welch-Satterthwaite degrees of freedom (3.09 for many runs, 4.5 for two groups of 5). Each
 * run's figure is its median over repetitions (the figure every page shows); the variance of a group
 * of one run is its repetitions' variance over their count times pi/2, the variance of a median of
 * normal noise against that of a mean (its asymptotic relative efficiency). No fixed percentage.
 */

export interface TimelineRun {
  submissionId: string;
  startedAt: string;
  /** Median tokens/s over the run's repetitions, and their sample standard deviation and count. */
  tokensPerSec: number;
  stddevTokensPerSec: number | null;
  repetitions: number;
  /** What the run ran with; a change in any of them starts a new group. */
  setup: { engineVersion: string; engineBuild: string | null; options: string };
}

export interface TimelineChange {
  /** Index of the first run of the new group. */
  at: number;
  before: number;
  after: number;
  /** after / before - 1. */
  relative: number;
  /** Difference in units of its standard error (Welch's t), and the threshold it passed. */
  z: number;
  threshold: number;
  /** What changed, e.g. "engine 3.21.1 → 3.22.0". */
  what: string[];
  /**
   * `improvement` or `regression` when only the engine (version, build) changed; `configuration`
   * when the options changed (threads, context, flash attention, GPU layers): a sweep of settings, not
   * the same work getting faster or slower, whichever way it went.
   */
  kind: "improvement" | "regression" | "configuration";
}

/** Student's t quantile 0.999 (two-sided p = 0.002) by degrees of freedom; interpolated in 1/df. */
const T_999: [number, number][] = [[1, 318.3], [2, 22.33], [3, 10.21], [4, 7.173], [5, 5.893], [6, 5.208], [7, 4.785], [8, 4.501], [9, 4.297], [10, 4.144], [12, 3.93], [15, 3.733], [20, 3.552], [30, 3.385], [60, 3.232], [Infinity, 3.09]];

export function tCritical(df: number): number {
  if (!(df > 1)) return T_999[0]![1];
  for (let i = 1; i < T_999.length; i++) {
    const [d1, t1] = T_999[i]!;
    if (df <= d1) {
      const [d0, t0] = T_999[i - 1]!;
      const x = (1 / df - 1 / d0) / (1 / d1 - 1 / d0);
      return t0 + x * (t1 - t0);
    }
  }
  return 3.09;
}

const setupKey = (r: TimelineRun) => `${r.setup.engineVersion}|${r.setup.engineBuild ?? ""}|${r.setup.options}`;

function stats(g: TimelineRun[]): { mean: number; var: number; n: number; df: number } {
  const n = g.length;
  const mean = g.reduce((a, r) => a + r.tokensPerSec, 0) / n;
  if (n > 1) return { mean, var: g.reduce((a, r) => a + (r.tokensPerSec - mean) ** 2, 0) / (n - 1), n, df: n - 1 };
  // One run: the noise of its median is its repetitions' spread over their count, x pi/2.
  const r = g[0]!;
  const sd = r.stddevTokensPerSec ?? 0;
  return { mean, var: ((Math.PI / 2) * sd * sd) / Math.max(1, r.repetitions), n: 1, df: Math.max(1, r.repetitions - 1) };
}

function whatChanged(a: TimelineRun["setup"], b: TimelineRun["setup"]): string[] {
  const out: string[] = [];
  if (a.engineVersion !== b.engineVersion) out.push(`engine ${a.engineVersion} → ${b.engineVersion}`);
  if ((a.engineBuild ?? "") !== (b.engineBuild ?? "")) out.push(`build ${a.engineBuild ?? "—"} → ${b.engineBuild ?? "—"}`);
  if (a.options !== b.options) out.push(`options ${a.options} → ${b.options}`);
  return out;
}

/** Changes between consecutive groups of runs (runs in time order). */
export function detectChanges(runs: readonly TimelineRun[]): TimelineChange[] {
  const groups: { start: number; runs: TimelineRun[] }[] = [];
  runs.forEach((r, i) => {
    const last = groups.at(-1);
    if (last && setupKey(last.runs[0]!) === setupKey(r)) last.runs.push(r);
    else groups.push({ start: i, runs: [r] });
  });
  const out: TimelineChange[] = [];
  for (let k = 1; k < groups.length; k++) {
    const a = stats(groups[k - 1]!.runs);
    const b = stats(groups[k]!.runs);
    const va = a.var / a.n;
    const vb = b.var / b.n;
    const se = Math.sqrt(va + vb);
    const diff = b.mean - a.mean;
    const z = se > 0 ? Math.abs(diff) / se : diff === 0 ? 0 : Infinity;
    const df = va + vb > 0 ? (va + vb) ** 2 / (va ** 2 / a.df + vb ** 2 / b.df) : Infinity;
    const threshold = tCritical(df);
    if (z <= threshold) continue;
    const setupA = groups[k - 1]!.runs[0]!.setup;
    const setupB = groups[k]!.runs[0]!.setup;
    const kind = setupA.options !== setupB.options ? "configuration" : diff < 0 ? "regression" : "improvement";
    out.push({ at: groups[k]!.start, before: a.mean, after: b.mean, relative: b.mean / a.mean - 1, z, threshold, what: whatChanged(setupA, setupB), kind });
  }
  return out;
}
