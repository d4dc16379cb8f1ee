/**
 * The correctness fingerprint: every run greedy-decodes one fixed prompt for a fixed number of
 * tokens and reports the token ids. A fast backend that computes wrong numbers (a broken kernel, a
 * precision mode gone wrong, an engine that silently mis-reads a quantization) emits other tokens
 * than llama.cpp on the CPU for the same GGUF. Synthetic models are deterministic files (the same
 * bytes on every machine, runners/models/synthetic-gguf.ts), so this works offline too.
 *
 * Greedy decoding is chaotic: once one token differs, everything after it does too, and two correct
 * backends can disagree on a near-tie late in the sequence (different summation order). So a run is
 * judged by where it first leaves the reference, not only by the share of tokens that agree.
 *
 * Up to that first disagreement both runs decoded the same context (prompt and the same greedy
 * tokens), so each run's scores at that position are teacher-forced on the other's prefix: where the
 * engines report their top candidates (`topK`), a disagreement is judged by them. When each run
 * that has scores ranks the other's token within NEAR_TIE_MARGIN_NATS of its own, the two backends
 * disagree only on a near-tie, as kernels that differ in their last bits do, not on the answer.
 */
import { MIN_LOGPROB, type TopKEntry } from "../contracts/submission";

export const FINGERPRINT = {
  /** Bumped when the prompt, the length or the decoding rule changes: versions are never compared. */
  version: "fp1",
  prompt: "Once upon a time",
  /** Tokens generated greedily (end-of-generation tokens banned, as llama-server's ignore_eos). */
  tokens: 32,
} as const;

/**
 * A run whose first disagreement comes before this many tokens is "output differs" (kept off the
 * ranking); later than that it "diverges late", which numerically different but correct backends do.
 */
export const FINGERPRINT_MIN_AGREEING_PREFIX = 8;

/** Candidates a runner records per generated position (most likely first). */
export const FINGERPRINT_TOP_K = 5;

/**
 * Largest gap, in nats, between a run's own greedy token and the other run's token for the two to
 * count as a near-tie in that run. A gap of log-probabilities is a gap of logits (the softmax's
 * normalizer cancels), so it does not depend on how peaked the distribution is. 0.25 nats: the two
 * tokens within a factor e^0.25 = 1.28 of each other's probability. Where both runs have scores both
 * must see the tie, so their logit gaps differ by at most 0.5 nats in all.
 * Scale (measured, stories260K, the fingerprint's 32 positions): llama.cpp on the CPU with flash
 * attention on vs off moves top-5 log-probabilities by at most 0.009 nats and the top-1/top-2 gap by
 * 0.005; 1 vs 2 threads by nothing. GPU kernels (f16 accumulation, other activation quantization)
 * and larger models move logits more, hence a margin well above that; a kernel that computes wrong
 * numbers moves them by nats and usually drops the reference's token out of the top 5 altogether.
 * Wider would let a slightly but consistently wrong backend pass; narrower would flag correct GPUs
 * on close calls. Not yet measured on a GPU (see docs/plausibility.md).
 */
export const NEAR_TIE_MARGIN_NATS = 0.25;

/** FNV-1a 64-bit of the token ids (little-endian 32-bit words), as 16 hex digits. Not a security hash. */
export function fingerprintHash(tokenIds: readonly number[]): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  for (const id of tokenIds) {
    for (let k = 0; k < 4; k++) {
      h ^= BigInt((id >>> (8 * k)) & 0xff);
      h = (h * prime) & 0xffffffffffffffffn;
    }
  }
  return h.toString(16).padStart(16, "0");
}

export interface FingerprintComparison {
  /** Share of positions (0..1) where the two sequences hold the same token. */
  agreement: number;
  /** Index of the first differing token, or null when the sequences are equal. */
  firstDiff: number | null;
}

export function compareFingerprints(run: readonly number[], reference: readonly number[]): FingerprintComparison {
  const n = Math.max(run.length, reference.length);
  if (n === 0) return { agreement: 1, firstDiff: null };
  let same = 0;
  let firstDiff: number | null = null;
  for (let i = 0; i < n; i++) {
    if (run[i] === reference[i] && run[i] !== undefined) same++;
    else if (firstDiff === null) firstDiff = i;
  }
  return { agreement: same / n, firstDiff };
}

/**
 * `reference`: this file's reference run: a trusted native CPU run, or the earliest of 3 independent devices that agree (what the others are compared with).
 * `match`: the same tokens as the reference. `diverges`: leaves it at or after the agreeing prefix.
 * `differs`: leaves it earlier: flagged "output differs" and kept off the ranking.
 * `explained`: differed, and an admin let it back with a reason (`tokenwatt explain-output`).
 * `unchecked`: no reference for this file yet (checked when one arrives).
 */
export const OUTPUT_STATUSES = ["reference", "match", "diverges", "differs", "explained", "unchecked"] as const;
export type OutputStatus = (typeof OUTPUT_STATUSES)[number];

/**
 * One run's view of the first disagreement: how many nats the other run's token lies below its own
 * greedy token in its scores; "outside" when that token is not among its top candidates (further
 * below than the last of them); null when the run has no scores (an engine that cannot report them).
 */
export type TieGap = number | "outside" | null;

/** The verdict on a first disagreement, from the scores of either run (stored as output_tie). */
export interface TieJudgement {
  /** The candidate's view: the reference's token against the candidate's own. */
  candidateGapNats: TieGap;
  /** The reference's view: the candidate's token against the reference's own. */
  referenceGapNats: TieGap;
  /** Every view that has scores sees the two tokens within the margin (and at least one has scores). */
  nearTie: boolean;
  marginNats: number;
}

/** Log-probabilities floored as the contract requires (float32 probabilities underflow to 0). */
const clampLogprob = (lp: number) => (Number.isFinite(lp) ? Math.max(MIN_LOGPROB, Math.min(0, lp)) : MIN_LOGPROB);

/**
 * The `k` most likely tokens of a next-token distribution (token id -> probability, as
 * node-llama-cpp reports it), most likely first, with natural-log probabilities.
 */
export function topKOf(probabilities: ReadonlyMap<number, number>, k: number): TopKEntry {
  const top: [number, number][] = [];
  for (const [id, p] of probabilities) {
    if (top.length === k && p <= top[k - 1]![1]) continue;
    let at = top.length;
    while (at > 0 && top[at - 1]![1] < p) at--;
    top.splice(at, 0, [id, p]);
    if (top.length > k) top.pop();
  }
  return { ids: top.map(([id]) => id), logprobs: top.map(([, p]) => clampLogprob(Math.log(p))) };
}

/** Nats `other` lies below `own` in one position's candidates (see TieGap). */
export function tieGap(entry: TopKEntry | null | undefined, own: number | undefined, other: number | undefined): TieGap {
  if (!entry) return null;
  const a = own === undefined ? -1 : entry.ids.indexOf(own);
  const b = other === undefined ? -1 : entry.ids.indexOf(other);
  if (a < 0 || b < 0) return "outside";
  return entry.logprobs[a]! - entry.logprobs[b]!;
}

/**
 * Judges the first disagreement at `position` by the runs' scores there (null when neither run has
 * any: the token-only rule decides). The tokens before `position` are the same in both runs, so
 * both scored the same context.
 */
export function judgeDivergence(
  position: number,
  run: { tokenIds: readonly number[]; topK?: readonly TopKEntry[] | null },
  reference: { tokenIds: readonly number[]; topK?: readonly TopKEntry[] | null },
): TieJudgement | null {
  const c = run.tokenIds[position];
  const r = reference.tokenIds[position];
  const candidateGapNats = tieGap(run.topK?.[position], c, r);
  const referenceGapNats = tieGap(reference.topK?.[position], r, c);
  const views = [candidateGapNats, referenceGapNats].filter((g) => g !== null);
  if (views.length === 0) return null;
  const nearTie = views.every((g) => typeof g === "number" && g <= NEAR_TIE_MARGIN_NATS);
  return { candidateGapNats, referenceGapNats, nearTie, marginNats: NEAR_TIE_MARGIN_NATS };
}

/**
 * The verdict. A first disagreement late in the sequence (at FINGERPRINT_MIN_AGREEING_PREFIX or
 * after) "diverges", as before; an early one "differs" unless the runs' scores show a near-tie
 * there. Without scores the token-only rule holds.
 */
export function outputStatus(c: FingerprintComparison, tie: TieJudgement | null = null): Exclude<OutputStatus, "reference" | "unchecked"> {
  if (c.firstDiff === null) return "match";
  if (c.firstDiff >= FINGERPRINT_MIN_AGREEING_PREFIX) return "diverges";
  return tie?.nearTie ? "diverges" : "differs";
}

/** Runs whose output is the reference for their file: llama.cpp (node-llama-cpp) on the CPU. */
export function isReferenceRun(s: { engine: { name: string }; device: { backend: string } }): boolean {
  return s.engine.name === "node-llama-cpp" && s.device.backend === "cpu";
}

/** One view of a tie in words, or null where that run has no scores. */
function describeGap(g: TieGap, whose: string, other: string): string | null {
  if (g === null) return null;
  if (g === "outside") return `${other} token is not among ${whose} top ${FINGERPRINT_TOP_K}`;
  return `${other} token is ${g.toFixed(2)} nats below ${whose} own`;
}

/** Why a first disagreement was judged as it was, from the runs' scores (empty without scores). */
export function describeTie(tie: TieJudgement | null | undefined): string {
  if (!tie) return "";
  const views = [describeGap(tie.candidateGapNats, "this run's", "the reference's"), describeGap(tie.referenceGapNats, "the reference's", "this run's")].filter(Boolean);
  const verdict = tie.nearTie ? `a near-tie (within ${tie.marginNats} nats)` : `not a near-tie (margin ${tie.marginNats} nats)`;
  return `${verdict}: ${views.join("; ")}`;
}

export function describeOutputStatus(
  status: OutputStatus | null,
  c: { agreement: number | null; firstDiff: number | null; explanation?: string | null; tie?: TieJudgement | null },
): string {
  const pct = c.agreement == null ? "" : ` (${Math.round(c.agreement * 100)}% of tokens agree)`;
  const why = describeTie(c.tie);
  switch (status) {
    case "reference":
      return "reference: a trusted native CPU run of this file (or the earliest of 3 independent devices that agree); other runs are compared with its tokens";
    case "match":
      return "matches the native CPU reference token for token";
    case "diverges":
      if (c.tie?.nearTie && c.firstDiff != null && c.firstDiff < FINGERPRINT_MIN_AGREEING_PREFIX) {
        return `agrees with the native CPU reference for the first ${c.firstDiff} tokens, then takes the other side of ${why}${pct}; kept on the ranking: correct backends whose arithmetic differs in the last bits do this`;
      }
      if (why) return `agrees with the native CPU reference for the first ${c.firstDiff} tokens, then diverges${pct}: late, where the check tolerates it; ${why}`;
      return `agrees with the native CPU reference for the first ${c.firstDiff} tokens, then diverges${pct}: a late near-tie, as correct backends show`;
    case "differs":
      return `output differs: leaves the native CPU reference at token ${c.firstDiff}${pct}${why ? `, ${why}` : ""}; kept off the ranking until explained`;
    case "explained":
      return `leaves the native CPU reference at token ${c.firstDiff}${pct}; explained by an admin: ${c.explanation ?? "no reason recorded"}`;
    case "unchecked":
      return "not checked yet: no native CPU run of this file to compare with";
    default:
      return "no fingerprint (recorded by an older runner, or an engine that cannot report token ids)";
  }
}
