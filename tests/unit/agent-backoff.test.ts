import { describe, expect, it } from "vitest";
import { jobProgressSchema, jobRequestSchema, enqueueBodySchema } from "../../lib/core/contracts/agents";
import { backoffDelayMs, jitteredMs, sleep } from "../../runners/agent/backoff";

describe("agent backoff", () => {
  const o = { baseMs: 500, maxMs: 60_000 };
  it("doubles the ceiling per failure up to the maximum, with full jitter", () => {
    expect([0, 1, 2, 3, 10, 40].map((n) => backoffDelayMs(n, o, () => 1))).toEqual([500, 1000, 2000, 4000, 60_000, 60_000]);
    expect(backoffDelayMs(5, o, () => 0)).toBe(0);
    expect(backoffDelayMs(3, o, () => 0.5)).toBe(2000);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelayMs(4, o);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });
  it("jitters poll intervals by +-20 %", () => {
    expect(jitteredMs(10_000, () => 0)).toBe(8000);
    expect(jitteredMs(10_000, () => 1)).toBe(12_000);
  });
  it("sleep ends early when its signal aborts", async () => {
    const c = new AbortController();
    const t0 = Date.now();
    const p = sleep(60_000, c.signal);
    c.abort();
    await p;
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe("agent protocol contracts", () => {
  it("fills job request defaults and refuses unknown workloads and keys", () => {
    expect(jobRequestSchema.parse({ model: "m.gguf" })).toEqual({ model: "m.gguf", suite: "quick", workloads: null, repetitions: 3, threads: null, timeoutS: 3600 });
    expect(jobRequestSchema.safeParse({ model: "m.gguf", workloads: ["pp512", "tg"] }).success).toBe(false);
    expect(jobRequestSchema.safeParse({ model: "m.gguf", extra: 1 }).success).toBe(false);
    expect(enqueueBodySchema.safeParse({ target: { kind: "class", deviceClass: "toaster" }, request: { model: "m.gguf" } }).success).toBe(false);
    expect(enqueueBodySchema.safeParse({ target: { kind: "agent", agentId: 3 }, request: { model: "m.gguf" } }).success).toBe(true);
    expect(jobProgressSchema.safeParse({ workloadId: "pp512", workloadIndex: 0, workloads: 1, repetitionsDone: 0, repetitions: 3, phase: "rep" }).success).toBe(true);
  });
});
