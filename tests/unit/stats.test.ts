import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveStats, mean, median, percentile, runSummary, stddev, summarize, throughputStats, ttftStats } from "../../lib/core/measure/stats";
import { formatMedian, formatTtft } from "../../lib/core/present/format";

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
    expect(t.p25Ms).toBe(60);
    expect(t.p75Ms).toBe(80);
    expect(formatTtft(t)).toBe("TTFT 70.0 ms median (IQR 60.0–80.0, n 5) at a 45-token prompt");
    expect(ttftStats([])).toBeNull();
  });
});

describe("one statistic per figure (issue 27 item 7)", () => {
  // The review's TTFT run: the mean (92.5 ms) is pulled by one slow repetition; the median is not.
  const review = [68.5, 71.7, 75.8, 77.4, 169.0].map((ms) => ({ durationNs: ms * 1e6, promptTokens: 128, genTokens: 1 }));

  it("is the median over repetitions, with their count and interquartile range", () => {
    const r = runSummary("ttft", review)!;
    expect(r.ns.median / 1e6).toBeCloseTo(75.8, 9);
    expect(r.ns.n).toBe(5);
    expect(r.ns.p25! / 1e6).toBeCloseTo(71.7, 9);
    expect(r.ns.p75! / 1e6).toBeCloseTo(77.4, 9);
    expect(mean(review.map((x) => x.durationNs / 1e6))).toBeCloseTo(92.48, 2);
    expect(r.ts).toBeNull(); // TTFT is a latency
  });

  it("gives tokens/s per repetition as llama-bench ((prompt + generated) / s), and no spread under 2 repetitions", () => {
    const tg = [1, 2, 4].map((s) => ({ durationNs: s * 1e9, promptTokens: 0, genTokens: 128, firstTokenNs: s * 1e7 }));
    const r = runSummary("tg128", tg)!;
    expect(r.ts!.median).toBe(64);
    expect(r.ts!.p25).toBe(48); // percentile_cont of 32, 64, 128 at 0.25
    expect(r.firstTokenNs).toBe(2e7);
    const one = runSummary("tg128", tg.slice(0, 1))!;
    expect(one.ts).toEqual({ median: 128, p25: null, p75: null, n: 1 });
    expect(summarize([])).toBeNull();
    expect(formatMedian(128, null, null, 1, "tokens/s")).toBe("128.0 tokens/s (n 1)");
    expect(formatMedian(64, 48, 96, 3, "tokens/s")).toBe("64.0 tokens/s (IQR 48.0–96.0, n 3)");
  });

  it("agrees with PostgreSQL's percentile_cont on any sample", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 30 }), (xs) => {
        const s = summarize(xs)!;
        const ulp = 1e-12 * Math.max(...xs);
        return Math.abs(s.median - percentile(xs, 50)) <= ulp && s.p25! <= s.median + ulp && s.median <= s.p75! + ulp && s.n === xs.length;
      }),
    );
  });
});
