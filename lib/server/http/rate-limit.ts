import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { executePrepared } from "../db/prepared";
import type { TokenRow } from "../store/tokens";

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
  /**
   * The shared limiter only: the token whose secret hashes to `tokenHash` (runner_tokens) and, where
   * it is known and not revoked, one take from its bucket `token:<id>`, in one statement (an upload's
   * token check and rate limit in one round trip). `wait` is 0 where nothing was taken.
   */
  takeForToken?(tokenHash: string): Promise<{ token: TokenRow | null; wait: number }>;
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
  // The refill, as of now(): the bucket's tokens plus what flowed in since its last take, at most the burst.
  const refilled = sql`least(${burst}::float8, b.tokens + extract(epoch from now() - b.at) * ${perS}::float8)`;
  const onConflict = sql`on conflict (key) do update set
            ok = ${refilled} >= 1,
            tokens = ${refilled} - case when ${refilled} >= 1 then 1 else 0 end,
            at = now()`;
  const tookOne = () => {
    if (++takes % 1000 === 0) {
      // Full buckets would start full anyway: keep the table to the keys in use.
      void db.execute(sql`delete from rate_buckets where at < now() - make_interval(secs => ${Math.ceil(burst / perS)}::float8)`).catch(() => {});
    }
  };
  const waitOf = (row: { ok: boolean; tokens: number }) => (row.ok ? 0 : Math.max(1, Math.ceil((1 - Number(row.tokens)) / perS)));
  return {
    async take(key) {
      const r = await executePrepared<{ ok: boolean; tokens: number }>(
        db,
        sql`
          insert into rate_buckets as b (key, tokens, at, ok) values (${key}, ${burst - 1}, now(), ${burst >= 1})
          ${onConflict}
          returning ok, tokens`,
      );
      tookOne();
      return waitOf(r[0]!);
    },
    async takeForToken(tokenHash) {
      // The insert's rows come from the token's: none for an unknown or revoked token (nothing taken).
      const r = await executePrepared<{ id: number; name: string; role: string; revoked_at: Date | string | null; contributor_id: number | null; ok: boolean | null; tokens: number | null }>(
        db,
        sql`
          with t as (select id, name, role, revoked_at, contributor_id from runner_tokens where token_hash = ${tokenHash}),
          taken as (
            insert into rate_buckets as b (key, tokens, at, ok)
            select 'token:' || t.id, ${burst - 1}::float8, now(), ${burst >= 1}::boolean from t where t.revoked_at is null
            ${onConflict}
            returning ok, tokens)
          select t.id, t.name, t.role, t.revoked_at, t.contributor_id, taken.ok, taken.tokens from t left join taken on true`,
      );
      const row = r[0];
      if (!row) return { token: null, wait: 0 };
      const token: TokenRow = { id: row.id, name: row.name, role: row.role, revokedAt: row.revoked_at, contributorId: row.contributor_id };
      if (row.ok == null) return { token, wait: 0 };
      tookOne();
      return { token, wait: waitOf({ ok: row.ok, tokens: Number(row.tokens) }) };
    },
  };
}
