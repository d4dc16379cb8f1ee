/** Display formatting (pure). Null and non-finite values show as an em dash, never "NaN". */

// One formatter per number of digits: toLocaleString with options builds a new Intl.NumberFormat on
// every call (about 40 µs here), and a leaderboard page formats hundreds of figures (a third of its
// render's CPU time went there). The output is the same.
const formatters = new Map<number, Intl.NumberFormat>();

export function formatNumber(v: number | null | undefined, digits = 1): string {
  if (v == null || !Number.isFinite(v)) return "—";
  let f = formatters.get(digits);
  if (!f) formatters.set(digits, (f = new Intl.NumberFormat("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })));
  return f.format(v);
}

export function formatBytes(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let x = v;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/**
 * A J/token figure with what it covers and how it was measured, as every page, printer and export
 * shows it: "0.425 J (wall, external)"; "unavailable" without a meter; scope "unlabelled" for
 * results stored before scopes were recorded; a modelled figure with its range,
 * "≈0.520 J (package, modelled, range 0.310–1.220)".
 */
export function formatJPerToken(
  j: number | null | undefined,
  scope: string | null | undefined,
  tier: string | null | undefined,
  digits = 3,
  range?: readonly number[] | null,
): string {
  if (j == null) return "unavailable";
  const r = range && range.length === 2 ? `, range ${formatNumber(range[0], digits)}–${formatNumber(range[1], digits)}` : "";
  return `${tier === "modelled" ? "≈" : ""}${formatNumber(j, digits)} J (${scope ?? "unlabelled"}, ${tier ?? "tier unknown"}${r})`;
}

/** Time to first token as every page and printer shows it: ms, never tokens/s, with the prompt length. */
export function formatTtft(t: { medianMs: number; p25Ms: number | null; p75Ms: number | null; n: number; promptTokens: number } | null): string {
  if (!t) return "—";
  return `TTFT ${formatNumber(t.medianMs)} ms median${formatSpread(t.p25Ms, t.p75Ms, t.n)} at a ${t.promptTokens}-token prompt`;
}

/** " (IQR 37.9–38.8, n 5)": the spread and count beside a median; " (n 1)" where one repetition gives no spread. */
export function formatSpread(p25: number | null | undefined, p75: number | null | undefined, n: number | null | undefined, digits = 1): string {
  const count = n == null ? "" : `n ${n}`;
  if (p25 == null || p75 == null) return count ? ` (${count})` : "";
  return ` (IQR ${formatNumber(p25, digits)}–${formatNumber(p75, digits)}${count ? `, ${count}` : ""})`;
}

/** The one figure of a run or cell: "38.4 tokens/s (IQR 37.9–38.8, n 5)". */
export function formatMedian(median: number | null | undefined, p25: number | null | undefined, p75: number | null | undefined, n: number | null | undefined, unit: string, digits = 1): string {
  if (median == null) return "—";
  return `${formatNumber(median, digits)} ${unit}${formatSpread(p25, p75, n, digits)}`;
}

/** A time to the minute, in UTC and saying so: "2026-12-06 09:44 UTC" (pages are read across time zones). */
export function formatUtcMinute(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * A run's options as "threads 4 · flashAttention auto · batchSize 512": each set option once, in
 * the order the runner wrote them; an option without a value (null) left out, a nested value as JSON.
 */
export function formatOptions(options: unknown): string {
  if (options == null || typeof options !== "object" || Array.isArray(options)) return "—";
  const parts = Object.entries(options as Record<string, unknown>)
    .filter(([, v]) => v != null)
    .map(([k, v]) => `${k} ${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
  return parts.length ? parts.join(" · ") : "—";
}

/** WebGPU adapter limits as "maxBufferSize 1,073,741,824; ...". */
export function formatLimits(limits: Record<string, number>): string {
  return Object.entries(limits)
    .map(([k, v]) => `${k} ${v.toLocaleString("en-US")}`)
    .join("; ");
}

/** A plausibility flag's code in words (lib/core/measure/plausibility.ts FLAG_CODES). */
const FLAG_LABELS: Record<string, string> = {
  inconsistent_workload: "not the workload it names",
  inconsistent_tokens: "wrong token counts",
  exceeds_ceiling: "beyond any device",
  exceeds_physics: "faster than this device can be",
  model_mismatch: "model layout disputed",
  exceeds_roofline: "above the measured roofline",
  inconsistent_energy: "energy does not add up",
  implausible_power: "implausible power",
  busy: "busy machine",
  noisy: "noisy",
  output_differs: "output differs",
  idle_drift: "idle baseline drifted",
};
export function flagLabel(code: string): string {
  return FLAG_LABELS[code] ?? code.replace(/_/g, " ");
}

/** Splits a label into at most two lines of about `max` characters at spaces; a longer rest ends in an ellipsis. */
export function twoLines(label: string, max = 22): [string] | [string, string] {
  if (label.length <= max) return [label];
  const words = label.split(" ");
  let first = "";
  while (words.length && (first ? `${first} ${words[0]}` : words[0]!).length <= max) first = first ? `${first} ${words.shift()}` : words.shift()!;
  // A first word longer than a line is cut.
  if (!first) return [`${label.slice(0, max - 1)}…`];
  const rest = words.join(" ");
  return rest ? [first, rest.length > max ? `${rest.slice(0, max - 1)}…` : rest] : [first];
}

/** The machine's CPU time while a workload's timed repetitions ran (the contract's `load`), as one sentence for the run page. */
export function loadLine(l: { wallNs: number; ownCpuNs: number; otherCpuNs: number; stealNs: number | null; logicalCpus: number; source: "procfs" | "os" } | null): string {
  // Imported runs carry none; runs stored before drizzle/0033 had theirs judged ("busy") but not kept.
  if (!l) return "CPU while it ran: not recorded.";
  const capacity = l.wallNs * l.logicalCpus;
  if (capacity <= 0) return "CPU while it ran: not recorded (no wall time).";
  const pct = (ns: number) => `${formatNumber((ns / capacity) * 100, 0)}%`;
  const steal = l.stealNs == null ? "steal not measured" : `steal ${pct(l.stealNs)}`;
  return `CPU while it ran (shares of ${l.logicalCpus} logical CPUs over ${formatNumber(l.wallNs / 1e9, 1)} s, ${l.source === "procfs" ? "/proc/stat" : "os.cpus()"}): this run ${pct(l.ownCpuNs)}, other processes ${pct(l.otherCpuNs)}, ${steal}.`;
}
