import { describe, expect, it } from "vitest";
import { detectChanges, tCritical, type TimelineRun } from "../../lib/core/measure/timeline";

/** A deterministic noise source (LCG), so the test is the same every time. */
function noise(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 2;
}
const run = (i: number, tps: number, version: string, sd = 1.5): TimelineRun => ({
  submissionId: `r${i}`,
  startedAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
  tokensPerSec: tps,
  stddevTokensPerSec: sd,
  repetitions: 5,
  setup: { engineVersion: version, engineBuild: "prebuilt", options: "threads 8" },
});

describe("the performance timeline", () => {
  it("flags a synthetic regression after an engine update and names what changed", () => {
    const r = noise(7);
    const runs = [...Array.from({ length: 6 }, (_, i) => run(i, 57.7 + r() * 1.5, "3.21.1")), ...Array.from({ length: 4 }, (_, i) => run(6 + i, 16.5 + r() * 1.5, "3.22.0"))];
    const changes = detectChanges(runs);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ at: 6, what: ["engine 3.21.1 → 3.22.0"], kind: "regression" });
    expect(changes[0]!.relative).toBeLessThan(-0.6);
    expect(changes[0]!.z).toBeGreaterThan(changes[0]!.threshold);
    expect(tCritical(8)).toBeCloseTo(4.501, 3);
    expect(tCritical(1e9)).toBeCloseTo(3.09, 2);
  });

  it("does not flag the noise of repeated runs, within one setup or across a harmless update", () => {
    const r = noise(11);
    const same = Array.from({ length: 30 }, (_, i) => run(i, 57.7 + r() * 2, "3.21.1"));
    expect(detectChanges(same)).toEqual([]);
    // An update that changes nothing: 20 seeds, noise of +-2 t/s around the same mean, no flag.
    for (let seed = 1; seed <= 20; seed++) {
      const n = noise(seed);
      const runs = [...Array.from({ length: 5 }, (_, i) => run(i, 57.7 + n() * 2, "3.21.1")), ...Array.from({ length: 5 }, (_, i) => run(5 + i, 57.7 + n() * 2, "3.22.0"))];
      expect(detectChanges(runs), `seed ${seed}`).toEqual([]);
    }
  });

  it("uses a single run's repetition spread as its noise, and names build and option changes", () => {
    const a = run(0, 100, "3.21.1", 1);
    const b = { ...run(1, 96, "3.21.1", 1), setup: { engineVersion: "3.21.1", engineBuild: "localBuild", options: "threads 4" } };
    // 4 t/s apart, standard error of two medians sqrt(pi/2 x (1/5 + 1/5)) = 0.79: z 5.05, flagged
    const [c] = detectChanges([a, b]);
    expect(c!.what).toEqual(["build prebuilt → localBuild", "options threads 8 → threads 4"]);
    expect(c!.z).toBeCloseTo(4 / Math.sqrt((Math.PI / 2) * 0.4), 5);
    expect(c!.threshold).toBeCloseTo(4.501, 2); // Welch df 8
    // With a noisy run (sd 10 over 5 repetitions) the same 4 t/s is noise.
    expect(detectChanges([run(0, 100, "3.21.1", 10), { ...b, stddevTokensPerSec: 10 }])).toEqual([]);
  });

  it("calls a change of options (a thread sweep) a configuration change, faster or slower, and an engine update an improvement", () => {
    // The review's case: llama-bench imports of threads 1 and threads 2 taken the same minute, 65.9 then 132.2 t/s.
    const t1 = { ...run(0, 65.9, "b1", 1), setup: { engineVersion: "b1", engineBuild: null, options: "threads 1" } };
    const t2 = { ...run(1, 132.2, "b1", 1), setup: { engineVersion: "b1", engineBuild: null, options: "threads 2" } };
    expect(detectChanges([t1, t2])).toMatchObject([{ kind: "configuration", what: ["options threads 1 → threads 2"] }]);
    expect(detectChanges([t2, { ...t1, submissionId: "r2" }])).toMatchObject([{ kind: "configuration" }]);
    // The same options, a newer engine, faster beyond noise: an improvement.
    expect(detectChanges([run(0, 50, "3.21.1", 1), run(1, 60, "3.22.0", 1)])).toMatchObject([{ kind: "improvement" }]);
  });
});
