/**
 * Exponential backoff with full jitter (the AWS Architecture Blog's "full jitter"): after the n-th
 * consecutive failure wait a uniform random time in [0, min(maxMs, baseMs * 2^n)], so a fleet that
 * lost its server does not come back in lockstep. `random` is injectable for tests.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export function backoffDelayMs(failures: number, o: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(failures, 30));
  return Math.round(ceiling * random());
}

/** A poll interval with +-20 % jitter, so agents started together spread out. */
export function jitteredMs(intervalMs: number, random: () => number = Math.random): number {
  return Math.round(intervalMs * (0.8 + 0.4 * random()));
}

/** Sleeps `ms`, or less when `signal` aborts (then resolves, never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
