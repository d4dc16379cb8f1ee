import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { executePrepared } from "../db/prepared";
import { GroupQueue } from "../db/group-queue";
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

/** Tokens in one statement at most (each with every take of it that arrived while the last statement ran). */
export const TAKES_PER_STATEMENT = 64;

/**
 * The same token bucket in PostgreSQL (`rate_buckets`, an unlogged table: buckets are not worth a
 * WAL record, and a crash only refills them), so every server process on one database (node:cluster
 * workers, several hosts) shares one budget per key: one statement per take (per group of token
 * takes arriving together, below), the refill computed by the database's clock. Buckets that have
 * refilled are deleted now and then.
 */
export function createSharedRateLimiter(db: Db, ratePerMin: number, burst: number): KeyLimiter & { stats: { statements: number; takes: number } } {
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

  // Token checks and takes that arrive while one statement is in the database wait and go together
  // in the next (no timer: one upload at a time sees one statement, as before). Each token's takes
  // are one ask for several from its bucket; the first `granted` of them, in the order they arrived,
  // are allowed, the rest wait as a refused take does. Every upload's token is still read in the
  // statement that takes for it: a revoked token is refused by the next statement.
  type Take = { hash: string; resolve: (r: { token: TokenRow | null; wait: number }) => void; reject: (e: unknown) => void };
  /** Statements sent, and the token checks they answered (unknown and revoked tokens included). */
  const stats = { statements: 0, takes: 0 };
  // Every waiting take of the first TAKES_PER_STATEMENT tokens: a flood from one token is one row of
  // the statement, and does not hold back the other tokens' checks behind it.
  const byTokens = (waiting: Take[]) => {
    const tokens = new Set<string>();
    const batch: Take[] = [];
    const rest: Take[] = [];
    for (const p of waiting) {
      if (tokens.has(p.hash) || tokens.size < TAKES_PER_STATEMENT) {
        tokens.add(p.hash);
        batch.push(p);
      } else rest.push(p);
    }
    waiting.splice(0, waiting.length, ...rest);
    return batch;
  };
  const takeTogether = async (batch: Take[]) => {
    stats.statements++;
    stats.takes += batch.length;
    const asks = new Map<string, number>();
    for (const p of batch) asks.set(p.hash, (asks.get(p.hash) ?? 0) + 1);
    // The insert's rows come from the tokens' rows: none for an unknown or revoked token (nothing taken).
    // A statement that fails rejects every take of the batch (GroupQueue).
    const rows = await executePrepared<{ h: string; id: number; name: string; role: string; revoked_at: Date | string | null; contributor_id: number | null; granted: number | null; tokens: number | null }>(
      db,
      sql`
        with req as (select r.h, r.n from jsonb_to_recordset(${JSON.stringify([...asks].map(([h, n]) => ({ h, n })))}::jsonb) as r(h text, n int)),
        t as (select rt.id, rt.name, rt.role, rt.revoked_at, rt.contributor_id, req.h, least(req.n, floor(${burst}::float8))::int as n
          from runner_tokens rt join req on rt.token_hash = req.h),
        taken as (
          insert into rate_buckets as b (key, tokens, at, ok, granted)
          select 'token:' || t.id, ${burst}::float8 - t.n, now(), t.n >= 1, t.n from t where t.revoked_at is null order by t.id
          on conflict (key) do update set
            granted = least(excluded.granted, floor(${refilled}))::int,
            ok = least(excluded.granted, floor(${refilled})) >= 1,
            tokens = ${refilled} - least(excluded.granted, floor(${refilled})),
            at = now()
          returning key, granted, tokens)
        select t.h, t.id, t.name, t.role, t.revoked_at, t.contributor_id, taken.granted, taken.tokens from t left join taken on taken.key = 'token:' || t.id`,
    );
    const byHash = new Map(rows.map((r) => [r.h, r]));
    const allowed = new Map<string, number>();
    for (const p of batch) {
      const row = byHash.get(p.hash);
      if (!row) {
        p.resolve({ token: null, wait: 0 });
        continue;
      }
      const token: TokenRow = { id: row.id, name: row.name, role: row.role, revokedAt: row.revoked_at, contributorId: row.contributor_id };
      if (row.granted == null) {
        p.resolve({ token, wait: 0 });
        continue;
      }
      tookOne();
      const k = allowed.get(p.hash) ?? 0;
      allowed.set(p.hash, k + 1);
      // The j-th refused take (from 0) could pass once j + 1 tokens have flowed in: refused takes of
      // one statement are told to come back one refill apart, not all at the same second.
      const j = k - row.granted;
      p.resolve({ token, wait: j < 0 ? 0 : Math.max(1, Math.ceil((j + 1 - Number(row.tokens)) / perS)) });
    }
  };
  const group = new GroupQueue<Take>({ maxInFlight: 1, take: byTokens, send: takeTogether });
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
    takeForToken(tokenHash) {
      return new Promise((resolve, reject) => group.push({ hash: tokenHash, resolve, reject }));
    },
    stats,
  };
}
