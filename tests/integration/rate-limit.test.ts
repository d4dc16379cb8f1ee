/**
 * The shared rate limiter (PostgreSQL's rate_buckets): one budget per key across connections, as
 * server processes on one database share it; on both databases.
 */
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openDb, rowsOf } from "../../lib/server/db/client";
import { createSharedRateLimiter } from "../../lib/server/http/rate-limit";
import { createToken, hashToken, revokeToken } from "../../lib/server/store/tokens";
import { DB_KINDS, withTestDb } from "../helpers/db";

describe.each(DB_KINDS)("shared rate limits on %s", (kind) => {
  const h = withTestDb(kind);

  it("a burst of 3 is 3 takes, then a wait; keys are apart; the bucket refills with time", async () => {
    const l = createSharedRateLimiter(h.db, 60, 3); // one token a second
    expect([await l.take("a"), await l.take("a"), await l.take("a")]).toEqual([0, 0, 0]);
    const wait = await l.take("a");
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(2);
    expect(await l.take("b")).toBe(0);
    // A second later (the database's clock, moved back for the test) there is one token again.
    await h.db.execute(sql`update rate_buckets set at = at - interval '1.2 seconds' where key = 'a'`);
    expect(await l.take("a")).toBe(0);
    expect(await l.take("a")).toBeGreaterThan(0);
  });

  it("a token's check and its take are one statement: one take from token:<id>, none for an unknown or revoked token", async () => {
    const l = createSharedRateLimiter(h.db, 60, 2);
    const secret = await createToken(h.db, "one-statement");
    const first = await l.takeForToken!(hashToken(secret));
    expect(first.token).toMatchObject({ name: "one-statement", role: "runner", revokedAt: null, contributorId: null });
    expect(first.wait).toBe(0);
    // The same bucket as take("token:<id>"): the second of a burst of 2, then a wait.
    expect(await l.take(`token:${first.token!.id}`)).toBe(0);
    expect((await l.takeForToken!(hashToken(secret))).wait).toBeGreaterThanOrEqual(1);
    expect(await l.takeForToken!(hashToken("tw_unknown"))).toEqual({ token: null, wait: 0 });
    const buckets = async () => rowsOf<{ key: string; at: string }>(await h.db.execute(sql`select key, at::text from rate_buckets order by key`));
    const before = await buckets();
    await revokeToken(h.db, "one-statement");
    const revoked = await l.takeForToken!(hashToken(secret));
    expect(revoked.token!.revokedAt).toBeTruthy();
    expect(revoked.wait).toBe(0);
    expect(await buckets()).toEqual(before);
  });

  it("token takes arriving together go in one statement: the first of a burst are allowed, the rest wait; unknown and revoked tokens take nothing", async () => {
    const l = createSharedRateLimiter(h.db, 0.6, 3); // one token in 100 s: none refills within the test
    const [a, b, gone] = [await createToken(h.db, "together-a"), await createToken(h.db, "together-b"), await createToken(h.db, "together-gone")];
    await revokeToken(h.db, "together-gone");
    // The first take goes alone (nothing in flight); the ten arriving meanwhile share the next statement.
    const hashes = [a, a, a, a, a, b, b, "tw_unknown", gone, a, a].map((s) => hashToken(s));
    const before = { ...l.stats };
    const r = await Promise.all(hashes.map((x) => l.takeForToken!(x)));
    expect(l.stats.statements - before.statements).toBe(2);
    expect(l.stats.takes - before.takes).toBe(hashes.length);
    // a: a burst of 3, in arrival order.
    expect([0, 1, 2, 3, 4, 9, 10].map((i) => r[i]!.wait === 0)).toEqual([true, true, true, false, false, false, false]);
    // Told to come back one refill (100 s) apart, in arrival order.
    const waits = [3, 4, 9, 10].map((i) => r[i]!.wait);
    expect(waits[0]).toBeGreaterThanOrEqual(1);
    expect(waits[0]).toBeLessThanOrEqual(101);
    for (let j = 1; j < waits.length; j++) expect(Math.abs(waits[j]! - waits[j - 1]! - 100)).toBeLessThanOrEqual(1);
    expect([5, 6].map((i) => r[i]!)).toEqual([expect.objectContaining({ wait: 0 }), expect.objectContaining({ wait: 0 })]);
    expect(r[5]!.token).toMatchObject({ name: "together-b", revokedAt: null });
    expect(r[7]).toEqual({ token: null, wait: 0 });
    expect(r[8]!.token!.revokedAt).toBeTruthy();
    expect(r[8]!.wait).toBe(0);
    const buckets = rowsOf<{ key: string; tokens: number; granted: number }>(await h.db.execute(sql`select key, tokens, granted from rate_buckets where key like 'token:%' order by key`));
    const id = (n: string) => r[hashes.indexOf(hashToken(n))]!.token!.id;
    expect(buckets.some((x) => x.key === `token:${r[8]!.token!.id}`)).toBe(false);
    expect(buckets.find((x) => x.key === `token:${id(a)}`)!.tokens).toBeLessThan(1);
    expect(buckets.find((x) => x.key === `token:${id(b)}`)!.tokens).toBeCloseTo(1, 1);
  });

  it("a statement that fails answers each of its takes with the error, and the next statement works", async () => {
    const l = createSharedRateLimiter(h.db, 0.6, 3);
    const secret = await createToken(h.db, "fails-once");
    await h.db.execute(sql`alter table rate_buckets rename column granted to granted_gone`);
    let failed: PromiseSettledResult<unknown>[];
    try {
      failed = await Promise.allSettled(Array.from({ length: 4 }, () => l.takeForToken!(hashToken(secret))));
    } finally {
      await h.db.execute(sql`alter table rate_buckets rename column granted_gone to granted`);
    }
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
    const again = await Promise.all(Array.from({ length: 4 }, () => l.takeForToken!(hashToken(secret))));
    expect(again.map((r) => r.wait === 0)).toEqual([true, true, true, false]);
  });

  it("two processes' limiters (two connections) share one budget", async () => {
    if (kind === "pglite") return; // the embedded database belongs to one process
    const other = await openDb({ databaseUrl: h.url!, migrate: false });
    try {
      const a = createSharedRateLimiter(h.db, 1, 4);
      const b = createSharedRateLimiter(other.db, 1, 4);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).take("token:7")));
      expect(results.filter((w) => w === 0)).toHaveLength(4);
      const [row] = rowsOf<{ tokens: number }>(await h.db.execute(sql`select tokens from rate_buckets where key = 'token:7'`));
      expect(row!.tokens).toBeLessThan(1);
    } finally {
      await other.close();
    }
  });
});

describe.each(DB_KINDS)("CPU budgets on submissions on %s", (kind) => {
  const h = withTestDb(kind);

  it("a token that spent its CPU waits (429 with Retry-After) and stores nothing; another token goes on", async () => {
    const { createToken } = await import("../../lib/server/store/tokens");
    const { createCpuBudget } = await import("../../lib/server/http/cpu-budget");
    const { callApi } = await import("../../harness/api");
    const { makeSubmission } = await import("../../harness/fixtures");
    // 1 ms of CPU a minute per key: one submission's ingest puts a token in debt for a long while.
    const cpuBudget = createCpuBudget(1, 1);
    const wide = createCpuBudget(1e9, 1e9);
    const budget = { wait: (k: string) => (k === "cpu:process" ? wide : cpuBudget).wait(k), charge: (k: string, ms: number) => (k === "cpu:process" ? wide : cpuBudget).charge(k, ms) };
    const a = await createToken(h.db, `cpu-a-${kind}`);
    const b = await createToken(h.db, `cpu-b-${kind}`);
    const post = (token: string) =>
      callApi(new Request("http://t/api/v1/submissions", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(makeSubmission({ workloads: 1 })) }), h.db, { cpuBudget: budget });
    expect((await post(a)).status).toBe(201);
    const count = async () => Number(rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from submissions`))[0]!.n);
    const before = await count();
    const refused = await post(a);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error.message).toContain("CPU time");
    expect(await count()).toBe(before);
    expect((await post(b)).status).toBe(201);
  });
});
