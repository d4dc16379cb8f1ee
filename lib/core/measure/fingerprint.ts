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
 */

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

export function outputStatus(c: FingerprintComparison): Exclude<OutputStatus, "reference" | "unchecked"> {
  if (c.firstDiff === null) return "match";
  return c.firstDiff >= FINGERPRINT_MIN_AGREEING_PREFIX ? "diverges" : "differs";
}

/** Runs whose output is the reference for their file: llama.cpp (node-llama-cpp) on the CPU. */
export function isReferenceRun(s: { engine: { name: string }; device: { backend: string } }): boolean {
  return s.engine.name === "node-llama-cpp" && s.device.backend === "cpu";
}

export function describeOutputStatus(status: OutputStatus | null, c: { agreement: number | null; firstDiff: number | null; explanation?: string | null }): string {
  const pct = c.agreement == null ? "" : ` (${Math.round(c.agreement * 100)}% of tokens agree)`;
  switch (status) {
    case "reference":
      return "reference: a trusted native CPU run of this file (or the earliest of 3 independent devices that agree); other runs are compared with its tokens";
    case "match":
      return "matches the native CPU reference token for token";
    case "diverges":
      return `agrees with the native CPU reference for the first ${c.firstDiff} tokens, then diverges${pct}: a late near-tie, as correct backends show`;
    case "differs":
      return `output differs: leaves the native CPU reference at token ${c.firstDiff}${pct}; kept off the ranking until explained`;
    case "explained":
      return `leaves the native CPU reference at token ${c.firstDiff}${pct}; explained by an admin: ${c.explanation ?? "no reason recorded"}`;
    case "unchecked":
      return "not checked yet: no native CPU run of this file to compare with";
    default:
      return "no fingerprint (recorded by an older runner, or an engine that cannot report token ids)";
  }
}
