/**
 * CPU budgets (issue 30 item 7; security review: one runner token could keep the embedded server
 * busy). Each request that does real work (storing a submission) is charged the process CPU time it
 * took, per token and for the whole process; a key in debt waits until its budget refills. A request
 * is let in while its key's balance is positive and charged after, so a burst costs at most one
 * request's work beyond the budget. Process CPU includes whatever ran concurrently: under load every
 * caller pays a little of the others' work, which errs on the side of the server staying responsive.
 */
export interface CpuBudget {
  /** Seconds until `key` may spend again (0: now). */
  wait(key: string, now?: number): number;
  /** Charges `ms` of CPU time to `key`. */
  charge(key: string, ms: number, now?: number): void;
}

export function createCpuBudget(msPerMin: number, burstMs: number, maxKeys = 10_000): CpuBudget {
  const buckets = new Map<string, { ms: number; at: number }>();
  const perMs = msPerMin / 60_000;
  const refill = (key: string, now: number) => {
    const b = buckets.get(key) ?? { ms: burstMs, at: now };
    b.ms = Math.min(burstMs, b.ms + (now - b.at) * perMs);
    b.at = now;
    buckets.delete(key);
    if (buckets.size >= maxKeys) for (const k of buckets.keys()) if (buckets.size >= maxKeys) buckets.delete(k);
    buckets.set(key, b);
    return b;
  };
  return {
    wait(key, now = Date.now()) {
      const b = refill(key, now);
      return b.ms > 0 ? 0 : Math.max(1, Math.ceil((1 - b.ms) / perMs / 1000));
    },
    charge(key, ms, now = Date.now()) {
      refill(key, now).ms -= ms;
    },
  };
}

/** Runs `fn` and returns what it returned with the process CPU time it took (ms, at most its wall time). */
export async function withCpuTime<T>(fn: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const d = process.cpuUsage(cpu0);
  return { value, cpuMs: Math.min((d.user + d.system) / 1000, performance.now() - t0) };
}
