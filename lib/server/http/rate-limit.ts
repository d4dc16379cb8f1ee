/**
 * Per-key token bucket (in memory, per server process). `ratePerMin` tokens refill continuously,
 * up to `burst`. A runner uploads a handful of submissions; a flood from one token is answered 429.
 */
export interface RateLimiter {
  /** Returns 0 when allowed, otherwise the seconds to wait before retrying. */
  take(key: string, now?: number): number;
}

export function createRateLimiter(ratePerMin: number, burst: number): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = ratePerMin / 60_000;
  return {
    take(key, now = Date.now()) {
      const b = buckets.get(key) ?? { tokens: burst, at: now };
      b.tokens = Math.min(burst, b.tokens + (now - b.at) * perMs);
      b.at = now;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
    },
  };
}
