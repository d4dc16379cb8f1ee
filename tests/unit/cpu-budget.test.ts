/**
 * CPU budgets (lib/server/http/cpu-budget.ts): a key is let in while its balance is positive,
 * charged after, and waits in debt until the budget refills; keys are apart.
 */
import { describe, expect, it } from "vitest";
import { createCpuBudget, withCpuTime } from "../../lib/server/http/cpu-budget";

describe("CPU budgets", () => {
  it("let a key spend while in credit, make it wait in debt for the refill, and keep keys apart", () => {
    const b = createCpuBudget(600, 100); // 10 ms of CPU a second, 100 ms at most in hand
    const t = 1_000_000;
    expect(b.wait("a", t)).toBe(0);
    b.charge("a", 350, t); // one expensive request: 250 ms in debt
    expect(b.wait("a", t)).toBe(26); // (250 + 1) ms / 10 ms a second
    expect(b.wait("b", t)).toBe(0);
    expect(b.wait("a", t + 25_000)).toBeGreaterThan(0);
    expect(b.wait("a", t + 26_000)).toBe(0);
    // Credit never builds beyond the burst.
    expect(b.wait("c", t + 3_600_000)).toBe(0);
    b.charge("c", 101, t + 3_600_000);
    expect(b.wait("c", t + 3_600_000)).toBeGreaterThan(0);
  });

  it("measures the CPU a piece of work took, never more than its wall time", async () => {
    const busy = await withCpuTime(async () => {
      const t0 = performance.now();
      while (performance.now() - t0 < 30);
      return "done";
    });
    expect(busy.value).toBe("done");
    expect(busy.cpuMs).toBeGreaterThan(15);
    // Process CPU time counts the other test files' threads too (vitest runs files side by side), so
    // an idle wait is bounded by its wall time, not by zero.
    const t0 = performance.now();
    const idle = await withCpuTime(() => new Promise((r) => setTimeout(r, 30)));
    expect(idle.cpuMs).toBeLessThanOrEqual(performance.now() - t0);
  });
});
