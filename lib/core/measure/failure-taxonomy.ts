/**
 * Why a browser engine failed, in the classes users of web-llm and wllama keep reporting: a page
 * can count them per engine, and a leaderboard can say which adapters fail how. Classified from the
 * error text the engines give (their messages are stable enough; an unknown one is `other`).
 */

export const FAILURE_CLASSES = ["out of memory", "f16 missing", "buffer limit", "pipeline error", "download failed", "timeout", "other"] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

const RULES: [FailureClass, RegExp][] = [
  ["f16 missing", /shader-f16|f16 .*(not supported|unsupported|missing|lacks)|enable f16/i],
  ["buffer limit", /maxStorageBufferBindingSize|maxBufferSize|buffer size .*exceed|exceeds the (max|limit)|binding size/i],
  ["out of memory", /out of memory|OOM|Array buffer allocation failed|Invalid typed array length|allocation failed|memory access out of bounds|Cannot enlarge memory/i],
  ["pipeline error", /pipeline|shader module|WGSL|compilation|GPUValidationError|device (was )?lost|createComputePipeline/i],
  ["download failed", /cannot reach|cannot be reached|answered HTTP|Failed to fetch|NetworkError|download/i],
  ["timeout", /timed? ?out|did not finish within|deadline/i],
];

export function classifyFailure(message: string): FailureClass {
  for (const [cls, re] of RULES) if (re.test(message)) return cls;
  return "other";
}

/** Counts of each class over some failure messages (classes with no failure are left out). */
export function countFailures(messages: readonly string[]): Partial<Record<FailureClass, number>> {
  const out: Partial<Record<FailureClass, number>> = {};
  for (const m of messages) {
    const c = classifyFailure(m);
    out[c] = (out[c] ?? 0) + 1;
  }
  return out;
}
