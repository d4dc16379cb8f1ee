/**
 * Workload suite: the standard, versioned list of measurements. Defined once here so the
 * native runner, the browser runner, the API and the dashboard use the same ids.
 *
 * Ids follow llama-bench: `pp512` = 512 prompt tokens into an empty cache (tokens/s = 512 / time),
 * `tg128` = 128 single-token decodes, `pp512+tg128` = both in one timed run,
 * `tg128@d4096` = 128 decodes after 4096 tokens of context prefilled untimed,
 * `tg128@b8` = the same for 8 parallel sequences decoded together (llama-batched-bench's B: each
 * sequence has its own prompt, depth and generation; tokens/s counts every sequence's tokens),
 * `ttft` = time to first token of a fixed canonical chat prompt,
 * `sustained` = continuous decoding for 5 minutes (`sustained@60s`: another length), measured per
 * interval (tokens/s, power, temperature) to show what heat does: peak, steady state, throttle ratio.
 */

export const SUITE_VERSION = "1" as const;

export interface WorkloadSpec {
  /** Compact llama-bench style id, e.g. `pp512`, `tg128@d4096`, `ttft`. */
  id: string;
  /** Prompt tokens evaluated in the timed part. */
  nPrompt: number;
  /** Tokens generated in the timed part. */
  nGen: number;
  /** Context tokens prefilled before timing starts. */
  nDepth: number;
  /** Parallel sequences evaluated together (1: a single stream, as llama-bench). Token counts above are per sequence. */
  nBatch: number;
  /** `ttft` times the prompt plus one sampled token; `sustained` decodes for `durationS`; others time the whole run. */
  kind: "throughput" | "ttft" | "sustained";
  /**
   * What the timed part does, the one answer to "is this a decode workload?": `prefill` (ppN),
   * `decode` (tgN, tgN@dD), `mixed` (ppN+tgM) or `ttft`. Per-token energy is attributed to prefill
   * or decode only for workloads of that phase; the leaderboard's generation column takes decode.
   */
  phase: WorkloadPhase;
  /**
   * `sustained` only: seconds of continuous decoding, and the length of each measured interval (a
   * sample). Its `nGen` is the tokens of one round: decoding restarts from an empty cache every
   * nGen tokens, so the context never fills however long it runs.
   */
  durationS?: number;
  intervalS?: number;
}

export const WORKLOAD_PHASES = ["prefill", "decode", "mixed", "ttft", "sustained"] as const;
export type WorkloadPhase = (typeof WORKLOAD_PHASES)[number];

const ID_PATTERN = /^(?:pp(\d{1,6}))?(\+)?(?:tg(\d{1,6}))?(?:@d(\d{1,7}))?(?:@b(\d{1,4}))?$/;

/** The most parallel sequences a batched workload may ask for. */
export const MAX_BATCH = 1024;

/** The standard length of `sustained` (the users: phones slow down within minutes). */
export const SUSTAINED_DEFAULT_S = 300;
export const SUSTAINED_MIN_S = 2;
export const SUSTAINED_MAX_S = 3600;
/** Tokens decoded from an empty cache before the next round starts (the context stays small). */
export const SUSTAINED_ROUND_TOKENS = 256;
const SUSTAINED_PATTERN = /^sustained(?:@([1-9]\d{0,3})s)?$/;

/** Interval length: 30 intervals over the run, between 1 and 10 s each (5 minutes: 10 s). */
export function sustainedIntervalS(durationS: number): number {
  return Math.min(10, Math.max(1, Math.round(durationS / 30)));
}

function parseSustained(id: string): WorkloadSpec | null {
  const m = SUSTAINED_PATTERN.exec(id);
  if (!m) return null;
  const durationS = m[1] ? Number(m[1]) : SUSTAINED_DEFAULT_S;
  // One name per workload: the default length is plain `sustained`.
  if (durationS < SUSTAINED_MIN_S || durationS > SUSTAINED_MAX_S || (m[1] && durationS === SUSTAINED_DEFAULT_S)) return null;
  return { id, nPrompt: 0, nGen: SUSTAINED_ROUND_TOKENS, nDepth: 0, nBatch: 1, kind: "sustained", phase: "sustained", durationS, intervalS: sustainedIntervalS(durationS) };
}

/** Parses a workload id (`pp512`, `tg128`, `pp512+tg128`, `tg128@d4096`, `tg128@b8`, `ttft`, `sustained`, `sustained@60s`). */
export function parseWorkloadId(id: string): WorkloadSpec | null {
  if (id === "ttft") return { id, nPrompt: TTFT_PROMPT_TOKENS, nGen: 1, nDepth: 0, nBatch: 1, kind: "ttft", phase: "ttft" };
  if (id.startsWith("sustained")) return parseSustained(id);
  const m = ID_PATTERN.exec(id);
  if (!m) return null;
  const [, pp, plus, tg, depth, batch] = m;
  // `@b1` is the plain id: one name per workload.
  if (batch !== undefined && (Number(batch) < 2 || Number(batch) > MAX_BATCH || batch.startsWith("0"))) return null;
  if (!pp && !tg) return null;
  if (plus && !(pp && tg)) return null;
  if (pp && tg && !plus) return null;
  const nPrompt = pp ? Number(pp) : 0;
  const nGen = tg ? Number(tg) : 0;
  if ((pp && nPrompt === 0) || (tg && nGen === 0)) return null;
  const phase: WorkloadPhase = nGen === 0 ? "prefill" : nPrompt === 0 ? "decode" : "mixed";
  return { id, nPrompt, nGen, nDepth: depth ? Number(depth) : 0, nBatch: batch ? Number(batch) : 1, kind: "throughput", phase };
}

/** Formats the id of a workload the way llama-bench names it. */
export function workloadId(nPrompt: number, nGen: number, nDepth = 0, nBatch = 1): string {
  const parts = [nPrompt > 0 ? `pp${nPrompt}` : "", nGen > 0 ? `tg${nGen}` : ""].filter(Boolean);
  return parts.join("+") + (nDepth > 0 ? `@d${nDepth}` : "") + (nBatch > 1 ? `@b${nBatch}` : "");
}

/** The id without its batch (`tg128@b8` -> `tg128`): the workloads of one batch sweep share it. */
export function unbatchedId(id: string): string {
  return id.replace(/@b\d+$/, "");
}

/**
 * The canonical chat prompt of the `ttft` workload. Fixed text so every device answers the same
 * question; its token count depends on the model's tokenizer, so results record `nPrompt` measured.
 */
export const TTFT_PROMPT =
  "You are a helpful assistant. Answer briefly.\n\nUser: Explain in two sentences why small language models that run on a phone can save energy compared with sending every request to a data center.\nAssistant:";
/** Nominal prompt length of `ttft`, before tokenization (the stored result has the real count). */
export const TTFT_PROMPT_TOKENS = 48;

/** The phase of a workload id (null for an id that does not parse). */
export function workloadPhase(id: string): WorkloadPhase | null {
  return parseWorkloadId(id)?.phase ?? null;
}

const specs = (ids: string[]): readonly WorkloadSpec[] => ids.map((id) => parseWorkloadId(id) as WorkloadSpec);

/** Batch sizes of the `server` suite (a data-center GPU serving many streams; a runner stops at the first that runs out of memory). */
export const SERVER_BATCHES = [1, 8, 32, 64, 128, 256] as const;

/**
 * The suites, in the order runners execute them: `v1` is the standard suite; `quick` has the
 * same kinds at smaller sizes, for first runs and CI; `server` sweeps tg128 over SERVER_BATCHES
 * parallel sequences (J/token vs batch, the data-center side of the offload question); `sustained`
 * decodes for 5 minutes to see the device heat up and slow down. Every suite
 * menu and flag lists these keys.
 */
export const SUITES = {
  v1: specs(["pp512", "tg128", "pp512+tg128", "tg128@d4096", "ttft"]),
  quick: specs(["pp128", "tg32", "pp128+tg32", "ttft"]),
  server: specs(SERVER_BATCHES.map((b) => workloadId(0, 128, 0, b))),
  sustained: specs(["sustained"]),
} as const;
export type SuiteName = keyof typeof SUITES;
export const SUITE_NAMES = Object.keys(SUITES) as [SuiteName, ...SuiteName[]];
export const SUITE_V1 = SUITES.v1;
export const SUITE_QUICK = SUITES.quick;

export function isSuiteName(s: string): s is SuiteName {
  return Object.hasOwn(SUITES, s);
}

export class WorkloadListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkloadListError";
  }
}

/**
 * The workloads of a run: a comma-separated id list (as `bench -w` or `?workloads=` take it)
 * overrides the suite. Throws WorkloadListError naming the ids that do not parse.
 */
export function resolveWorkloads(suite: SuiteName, list?: string | readonly string[] | null): WorkloadSpec[] {
  if (list == null || (typeof list === "string" && list.trim() === "")) return [...SUITES[suite]];
  const ids = (typeof list === "string" ? list.split(",") : [...list]).map((id) => id.trim()).filter(Boolean);
  const bad = ids.filter((id) => !parseWorkloadId(id));
  if (bad.length || ids.length === 0) {
    throw new WorkloadListError(`unknown workload id(s): ${bad.join(", ") || "(none)"}; use llama-bench ids like pp512, tg128, pp512+tg128, tg128@d4096, tg128@b8 (2 to ${MAX_BATCH} parallel sequences), ttft, sustained (${SUSTAINED_DEFAULT_S} s) or sustained@60s (${SUSTAINED_MIN_S} to ${SUSTAINED_MAX_S} s)`);
  }
  return ids.map((id) => parseWorkloadId(id)!);
}

/** Timed samples a workload takes: its repetitions, or a sustained run's intervals. */
export function timedSamples(w: WorkloadSpec, repetitions: number): number {
  return w.kind === "sustained" && w.durationS && w.intervalS ? Math.max(1, Math.round(w.durationS / w.intervalS)) : repetitions;
}

/** Context tokens kept free beyond what a workload evaluates (BOS, chat template, sampler look-ahead). */
export const CONTEXT_HEADROOM_TOKENS = 64;

/** Context size the workloads need (depth + prompt + generation + headroom), and the default: the next power of two, at least 512. */
export function contextSizeFor(workloads: readonly WorkloadSpec[]): { need: number; default: number } {
  const need = Math.max(...workloads.map((w) => w.nDepth + w.nPrompt + w.nGen + CONTEXT_HEADROOM_TOKENS));
  return { need, default: Math.max(512, 2 ** Math.ceil(Math.log2(need))) };
}

/**
 * Whether a workload can be a leaderboard column: a plain prompt (`ppN`) or generation (`tgN`)
 * workload at depth 0. The leaderboard_rows view (drizzle/0003) pairs exactly these.
 */
export function isLeaderboardWorkload(id: string, column: "pp" | "tg"): boolean {
  const w = parseWorkloadId(id);
  return !!w && w.nDepth === 0 && w.nBatch === 1 && w.phase === (column === "pp" ? "prefill" : "decode");
}
