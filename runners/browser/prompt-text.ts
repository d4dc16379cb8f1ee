/**
 * Prompts of an exact token count without a tokenizer API: browser engines take text, so the
 * runner calibrates the length of a fixed pseudo-random text against the engine's own prompt
 * token count (a few requests, during warm-up) and records the count the engine reports.
 */

const SYLLABLES = ["ka", "lo", "mi", "ten", "ra", "so", "vel", "du", "pa", "ri", "on", "ex", "bel", "tu", "na", "gor"];

/** Deterministic text of `chars` characters: words of 1-3 syllables from a fixed LCG. */
export function promptText(chars: number): string {
  let s = 42 >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  let out = "";
  while (out.length < chars) {
    const n = 1 + (next() % 3);
    let w = "";
    for (let i = 0; i < n; i++) w += SYLLABLES[next() % SYLLABLES.length];
    out += (out ? " " : "") + w;
  }
  return out.slice(0, Math.max(1, chars));
}

/**
 * Finds a text length whose token count is `target`. `count` asks the engine (one prefill each).
 * Secant steps on the monotone chars -> tokens relation; returns the closest found after `tries`.
 */
export async function calibratePrompt(
  target: number,
  count: (text: string) => Promise<number>,
  tries = 6,
): Promise<{ text: string; tokens: number }> {
  let chars = Math.max(1, target);
  let best: { text: string; tokens: number } | null = null;
  const seen = new Map<number, number>();
  for (let i = 0; i < tries; i++) {
    const text = promptText(chars);
    const tokens = seen.get(chars) ?? (await count(text));
    seen.set(chars, tokens);
    if (!best || Math.abs(tokens - target) < Math.abs(best.tokens - target)) best = { text, tokens };
    if (tokens === target) break;
    const ratio = chars / Math.max(1, tokens);
    let nextChars = Math.max(1, Math.round(chars + (target - tokens) * ratio));
    if (nextChars === chars) nextChars += tokens < target ? 1 : -1;
    if (seen.has(nextChars)) break;
    chars = nextChars;
  }
  return best!;
}
