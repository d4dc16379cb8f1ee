/**
 * Per-key token bucket (in memory, per server process). `ratePerMin` tokens refill continuously,
 * up to `burst`. A runner uploads a handful of submissions; a flood from one token is answered 429.
 * Keys include client addresses (unbounded with IPv6), so the map is bounded: past `maxKeys`, the
 * buckets that have refilled to full (they would start full anyway) are dropped, then the oldest.
 */
export interface RateLimiter {
  /** Takes `cost` tokens (default 1). Returns 0 when allowed, otherwise the seconds to wait before retrying. */
  take(key: string, now?: number, cost?: number): number;
  /** Keys held now (tests). */
  size(): number;
}

export function createRateLimiter(ratePerMin: number, burst: number, maxKeys = 10_000): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = ratePerMin / 60_000;
  const prune = (now: number) => {
    for (const [k, b] of buckets) if (b.tokens + (now - b.at) * perMs >= burst) buckets.delete(k);
    // Still full of live buckets: drop the least recently used (a Map iterates in insertion order).
    for (const k of buckets.keys()) {
      if (buckets.size < maxKeys) break;
      buckets.delete(k);
    }
  };
  return {
    take(key, now = Date.now(), cost = 1) {
      const b = buckets.get(key) ?? { tokens: burst, at: now };
      b.tokens = Math.min(burst, b.tokens + (now - b.at) * perMs);
      b.at = now;
      buckets.delete(key); // re-inserted: the map stays in least-recently-used order
      if (!buckets.has(key) && buckets.size >= maxKeys) prune(now);
      buckets.set(key, b);
      if (b.tokens >= cost) {
        b.tokens -= cost;
        return 0;
      }
      // A cost above the burst can never be paid: the wait is for a full bucket.
      return Math.max(1, Math.ceil((Math.min(cost, burst) - b.tokens) / perMs / 1000));
    },
    size: () => buckets.size,
  };
}
