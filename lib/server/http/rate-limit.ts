import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { executePrepared } from "../db/prepared";

/**
 * Per-key token bucket (in memory, per server process; createSharedRateLimiter below is the same
 * bucket in PostgreSQL, shared by every server process). `ratePerMin` tokens refill continuously,
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

/** What request handlers take from: the in-memory limiter, or the shared one (asynchronous). */
export interface KeyLimiter {
  /** 0 when allowed, otherwise the seconds to wait before retrying. */
  take(key: string): number | Promise<number>;
}

/**
 * The same token bucket in PostgreSQL (`rate_buckets`, an unlogged table: buckets are not worth a
 * WAL record, and a crash only refills them), so every server process on one database (node:cluster
 * workers, several hosts) shares one budget per key: one statement per take, the refill computed by
 * the database's clock. Buckets that have refilled are deleted now and then.
 */
export function createSharedRateLimiter(db: Db, ratePerMin: number, burst: number): KeyLimiter {
  const perS = ratePerMin / 60;
  let takes = 0;
  return {
    async take(key) {
      const r = await executePrepared<{ ok: boolean; tokens: number }>(
        db,
        sql`
          insert into rate_buckets as b (key, tokens, at, ok) values (${key}, ${burst - 1}, now(), ${burst >= 1})
          on conflict (key) do update set
            ok = least(${burst}::float8, b.tokens + extract(epoch from now() - b.at) * ${perS}::float8) >= 1,
            tokens = least(${burst}::float8, b.tokens + extract(epoch from now() - b.at) * ${perS}::float8)
              - case when least(${burst}::float8, b.tokens + extract(epoch from now() - b.at) * ${perS}::float8) >= 1 then 1 else 0 end,
            at = now()
          returning ok, tokens`,
      );
      if (++takes % 1000 === 0) {
        // Full buckets would start full anyway: keep the table to the keys in use.
        void db.execute(sql`delete from rate_buckets where at < now() - make_interval(secs => ${Math.ceil(burst / perS)}::float8)`).catch(() => {});
      }
      const row = r[0]!;
      if (row.ok) return 0;
      return Math.max(1, Math.ceil((1 - Number(row.tokens)) / perS));
    },
  };
}
