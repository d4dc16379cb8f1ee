import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveStats, mean, median, percentile, stddev, throughputStats, ttftStats } from "../../lib/core/measure/stats";
import { formatTtft } from "../../lib/core/present/format";

describe("statistics", () => {
  it("computes hand-checked values", () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(stddev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138, 3); // sample (n-1)
    expect(stddev([5])).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5], 90)).toBeCloseTo(4.6);
  });

  it("derives llama-bench tokens/s per repetition", () => {
    const d = deriveStats([
      { durationNs: 1e9, promptTokens: 512, genTokens: 0 },
      { durationNs: 2e9, promptTokens: 512, genTokens: 0 },
    ])!;
    expect(d.samplesTokensPerSec).toEqual([512, 256]);
    expect(d.avgTokensPerSec).toBe(384);
    expect(d.avgNs).toBe(1.5e9);
    expect(d.stddevTokensPerSec).toBeCloseTo(181.02, 2);
    expect(deriveStats([])).toBeNull();
  });

  it("mean lies between min and max; stddev is non-negative (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 50 }), (xs) => {
        const m = mean(xs);
        return m >= Math.min(...xs) - 1e-6 && m <= Math.max(...xs) + 1e-6 && stddev(xs) >= 0;
      }),
    );
  });
});

describe("time to first token", () => {
  const samples = [50, 60, 70, 80, 200].map((ms) => ({ durationNs: ms * 1e6, promptTokens: 45, genTokens: 1 }));
  it("is a latency in ms with its prompt length, median and p90, never tokens/s", () => {
    const t = ttftStats(samples)!;
    expect(t.medianMs).toBe(70);
    expect(t.p90Ms).toBeCloseTo(152, 9); // 80 + 0.6 x (200 - 80)
    expect(t.promptTokens).toBe(45);
    expect(throughputStats("ttft", samples)).toBeNull();
    expect(throughputStats("pp512", samples)!.avgTokensPerSec).toBeGreaterThan(0);
    expect(formatTtft(t)).toBe("TTFT 70.0 ms median (p90 152.0 ms) at a 45-token prompt");
    expect(ttftStats([])).toBeNull();
  });
});
