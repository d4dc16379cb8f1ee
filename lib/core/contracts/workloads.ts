/**
 * Workload suite: the standard, versioned list of measurements. Defined once here so the
 * native runner, the browser runner, the API and the dashboard use the same ids.
 *
 * Ids follow llama-bench: `pp512` = 512 prompt tokens into an empty cache (tokens/s = 512 / time),
 * `tg128` = 128 single-token decodes, `pp512+tg128` = both in one timed run,
 * `tg128@d4096` = 128 decodes after 4096 tokens of context prefilled untimed,
 * `ttft` = time to first token of a fixed canonical chat prompt.
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
  /** `ttft` times the prompt plus one sampled token; others time the whole run. */
  kind: "throughput" | "ttft";
}

const ID_PATTERN = /^(?:pp(\d{1,6}))?(\+)?(?:tg(\d{1,6}))?(?:@d(\d{1,7}))?$/;

/** Parses a llama-bench id (`pp512`, `tg128`, `pp512+tg128`, `tg128@d4096`, `ttft`). */
export function parseWorkloadId(id: string): WorkloadSpec | null {
  if (id === "ttft") return { id, nPrompt: TTFT_PROMPT_TOKENS, nGen: 1, nDepth: 0, kind: "ttft" };
  const m = ID_PATTERN.exec(id);
  if (!m) return null;
  const [, pp, plus, tg, depth] = m;
  if (!pp && !tg) return null;
  if (plus && !(pp && tg)) return null;
  if (pp && tg && !plus) return null;
  const nPrompt = pp ? Number(pp) : 0;
  const nGen = tg ? Number(tg) : 0;
  if ((pp && nPrompt === 0) || (tg && nGen === 0)) return null;
  return { id, nPrompt, nGen, nDepth: depth ? Number(depth) : 0, kind: "throughput" };
}

/** Formats the id of a workload the way llama-bench names it. */
export function workloadId(nPrompt: number, nGen: number, nDepth = 0): string {
  const parts = [nPrompt > 0 ? `pp${nPrompt}` : "", nGen > 0 ? `tg${nGen}` : ""].filter(Boolean);
  return parts.join("+") + (nDepth > 0 ? `@d${nDepth}` : "");
}

/**
 * The canonical chat prompt of the `ttft` workload. Fixed text so every device answers the same
 * question; its token count depends on the model's tokenizer, so results record `nPrompt` measured.
 */
export const TTFT_PROMPT =
  "You are a helpful assistant. Answer briefly.\n\nUser: Explain in two sentences why small language models that run on a phone can save energy compared with sending every request to a data center.\nAssistant:";
/** Nominal prompt length of `ttft`, before tokenization (the stored result has the real count). */
export const TTFT_PROMPT_TOKENS = 48;

/** Suite v1, in the order runners execute it. */
export const SUITE_V1: readonly WorkloadSpec[] = [
  "pp512",
  "tg128",
  "pp512+tg128",
  "tg128@d4096",
  "ttft",
].map((id) => parseWorkloadId(id) as WorkloadSpec);

/** A quicker suite for first runs and CI: the same kinds, smaller sizes. */
export const SUITE_QUICK: readonly WorkloadSpec[] = ["pp128", "tg32", "pp128+tg32", "ttft"].map(
  (id) => parseWorkloadId(id) as WorkloadSpec,
);
