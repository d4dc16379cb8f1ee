import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseWorkloadId, resolveWorkloads, SUITES, timedSamples, WorkloadListError } from "../../lib/core/contracts/workloads";
import { changePointFit, MIN_THROTTLE_DROP, sustainedSummary, THROTTLE_ALPHA } from "../../lib/core/measure/sustained";
import { studentTUpperTail } from "../../lib/core/measure/student-t";
import { median } from "../../lib/core/measure/stats";
import { checkSubmission } from "../../lib/core/measure/plausibility";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { linuxTempFiles, parseCelsius, thermalPerInterval } from "../../runners/native/thermal";
import { makeSubmission } from "../../harness/fixtures";

/** Intervals of one second decoding `rates[i]` tokens each. */
const run = (rates: number[]) => rates.map((r) => ({ durationNs: 1e9, genTokens: Math.round(r) }));

describe("the sustained workload id", () => {
  it("is 5 minutes by default, any length from 2 s to an hour as sustained@Ns, one name per length", () => {
    expect(parseWorkloadId("sustained")).toMatchObject({ kind: "sustained", phase: "sustained", durationS: 300, intervalS: 10, nPrompt: 0, nDepth: 0, nBatch: 1 });
    expect(parseWorkloadId("sustained@60s")).toMatchObject({ durationS: 60, intervalS: 2 });
    expect(parseWorkloadId("sustained@6s")).toMatchObject({ durationS: 6, intervalS: 1 });
    for (const bad of ["sustained@300s", "sustained@1s", "sustained@0s", "sustained@05s", "sustained@3601s", "sustained@60", "sustained60s", "sustainedx"]) {
      expect(parseWorkloadId(bad), bad).toBeNull();
    }
    expect(timedSamples(parseWorkloadId("sustained")!, 5)).toBe(30);
    expect(timedSamples(parseWorkloadId("tg128")!, 5)).toBe(5);
    expect(SUITES.sustained.map((w) => w.id)).toEqual(["sustained"]);
    expect(() => resolveWorkloads("v1", "sustained@1s")).toThrow(WorkloadListError);
  });
});

/** A deterministic PRNG (mulberry32) and standard normal draws (Box-Muller): the simulation is the same on every run. */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * Runs of 30 (or `intervals`) ten-second intervals of 400 tokens at `rate` tokens/s, each interval's speed scattered
 * by `cv` (normal), slowed by `drop` from interval `at` on; the share called throttled, and the ratios.
 */
function simulate(runs: number, cv: number, opts: { rate?: number; drop?: number; at?: number; seed: number; intervals?: number }) {
  const z = normals(opts.seed);
  let throttled = 0;
  const ratios: number[] = [];
  for (let r = 0; r < runs; r++) {
    const samples = Array.from({ length: opts.intervals ?? 30 }, (_, i) => {
      const speed = (opts.rate ?? 40) * (i >= (opts.at ?? 30) ? 1 - (opts.drop ?? 0) : 1) * (1 + cv * z());
      return { durationNs: Math.round((400 / speed) * 1e9), genTokens: 400 };
    });
    const s = sustainedSummary(samples)!;
    if (s.throttled) throttled++;
    ratios.push(s.throttleRatio);
  }
  return { rate: throttled / runs, medianRatio: median(ratios) };
}

describe("sustainedSummary", () => {
  it("a device that keeps its speed: ratio 1, no throttling", () => {
    const s = sustainedSummary(run(Array(30).fill(40)))!;
    expect(s).toMatchObject({ peakTokensPerS: 40, steadyTokensPerS: 40, throttleRatio: 1, throttled: false, timeToThrottleS: null, pValue: 1, noise: 0 });
  });

  it("the iPhone 16 Pro case: 40 tokens/s falling to 22.6 from the 2nd minute is a 0.57 ratio, throttled at 120 s", () => {
    const rates = Array.from({ length: 30 }, (_, i) => (i < 12 ? 40 : 22.6));
    const s = sustainedSummary(rates.map((r) => ({ durationNs: 10e9, genTokens: r * 10 })))!;
    expect(s.peakTokensPerS).toBe(40);
    expect(s.steadyTokensPerS).toBeCloseTo(22.6, 6);
    expect(s.throttleRatio).toBeCloseTo(0.565, 3);
    expect(s.throttled).toBe(true);
    expect(s.timeToThrottleS).toBe(120);
  });

  it("noise is not throttling: 2,000 simulated 30-interval runs at CV 3%, 5% and 10% are called throttled under 1% of the time, with a median ratio within 2% of 1", () => {
    const found = [0.03, 0.05, 0.1].map((cv, k) => ({ cv, ...simulate(2000, cv, { seed: 1000 + k }) }));
    console.log(`noise only, 2,000 runs each: ${found.map((f) => `CV ${f.cv * 100}%: ${(f.rate * 100).toFixed(2)}% called throttled, median ratio ${f.medianRatio.toFixed(4)}`).join("; ")}`);
    for (const f of found) {
      expect(f.rate, `CV ${f.cv}`).toBeLessThan(0.01);
      expect(Math.abs(f.medianRatio - 1), `CV ${f.cv}`).toBeLessThan(0.02);
    }
  });

  it("shorter runs too (12 and 16 intervals, whose quarters are compared by median with the run's noise): under 1% of noise-only runs called throttled", () => {
    for (const intervals of [12, 16]) {
      for (const [k, cv] of [0.05, 0.1].entries()) {
        const f = simulate(2000, cv, { seed: 3000 + intervals * 10 + k, intervals });
        expect(f.rate, `${intervals} intervals at CV ${cv}`).toBeLessThan(0.01);
        expect(Math.abs(f.medianRatio - 1)).toBeLessThan(0.02);
      }
    }
  });

  it("real drops are found: 10% at CV 3%, 15% at CV 5%, the iPhone's 40 → 22.6 at CV 10%, each in at least 90% of 2,000 runs", () => {
    const cases = [
      { cv: 0.03, drop: 0.1, rate: 40 },
      { cv: 0.05, drop: 0.15, rate: 40 },
      { cv: 0.1, drop: 1 - 22.6 / 40, rate: 40 },
    ];
    const found = cases.map((c, k) => ({ ...c, ...simulate(2000, c.cv, { rate: c.rate, drop: c.drop, at: 12, seed: 2000 + k }) }));
    console.log(`drops from interval 12 of 30, 2,000 runs each: ${found.map((f) => `${(f.drop * 100).toFixed(1)}% at CV ${f.cv * 100}%: found ${(f.rate * 100).toFixed(1)}%, median ratio ${f.medianRatio.toFixed(3)}`).join("; ")}`);
    for (const f of found) expect(f.rate, `${f.drop} at CV ${f.cv}`).toBeGreaterThanOrEqual(0.9);
  });

  it("whatever the noise, a run called throttled is significantly and at least 5% slower at the end", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.15, max: 0.15, noNaN: true }), { minLength: 12, maxLength: 60 }), (noise) => {
        const s = sustainedSummary(run(noise.map((e) => 1000 * (1 + e))))!;
        if (s.throttled) {
          expect(s.pValue!).toBeLessThan(THROTTLE_ALPHA);
          expect(s.throttleRatio).toBeLessThanOrEqual(1 - MIN_THROTTLE_DROP);
        }
        return (s.timeToThrottleS != null) === s.throttled;
      }),
    );
    // Alternating +-10% is noise, not a slowdown.
    const s = sustainedSummary(run(Array.from({ length: 30 }, (_, i) => (i % 2 ? 1100 : 900))))!;
    expect(s.throttled).toBe(false);
    expect(s.throttleRatio).toBeCloseTo(1, 6);
  });

  it("the time to throttle is the change point: a slow decline's middle, a step's first slow interval; short runs are not tested", () => {
    const decline = sustainedSummary(run([50, 50, 50, 40, 50, 50, 50, 50, 48, 46, 44, 42, 40, 40, 40, 40]))!;
    expect(decline).toMatchObject({ throttled: true, timeToThrottleS: 10 });
    // A dip that recovers is not throttling.
    expect(sustainedSummary(run([50, 50, 50, 50, 50, 50, 35, 50, 50, 50, 50, 50, 50, 50, 50, 50]))).toMatchObject({ throttled: false, throttleRatio: 1 });
    expect(changePointFit([5, 5, 5, 1, 1])).toEqual({ at: 3, sse: 0 });
    expect(sustainedSummary([])).toBeNull();
    // Under 6 intervals: no decision, however large the drop.
    const short = sustainedSummary(run([160, 135, 134]))!;
    expect(short).toMatchObject({ throttled: false, pValue: null, timeToThrottleS: null });
    expect(short.throttleRatio).toBeCloseTo(134.5 / 147.5, 6);
    // Six intervals of a device that halves after two (the integration test's null engine): its quarters of 2 use the run's noise.
    const six = sustainedSummary(run([500, 496, 251, 249, 250, 247]))!;
    expect(six).toMatchObject({ throttled: true, timeToThrottleS: 2 });
    // A very noisy run still calls a halving throttling.
    const wild = sustainedSummary(run([100, 120, 80, 110, 95, 105, 90, 100, 50, 45, 55, 50, 48, 52, 47, 53]))!;
    expect(wild).toMatchObject({ throttled: true, timeToThrottleS: 8 });
  });

  it("Student's t tail matches tabulated values", () => {
    expect(studentTUpperTail(12.706, 1)).toBeCloseTo(0.025, 4);
    expect(studentTUpperTail(2.228, 10)).toBeCloseTo(0.025, 4);
    expect(studentTUpperTail(3.646, 17)).toBeCloseTo(0.001, 4);
    expect(studentTUpperTail(1.96, 1e6)).toBeCloseTo(0.025, 4);
    expect(studentTUpperTail(0, 5)).toBeCloseTo(0.5, 12);
    expect(studentTUpperTail(-2.228, 10)).toBeCloseTo(0.975, 4);
  });
});

describe("thermal readings", () => {
  it("reads °C and sysfs millidegrees, refusing what no sensor reads", () => {
    expect(parseCelsius("45000\n")).toBe(45);
    expect(parseCelsius("52.5")).toBe(52.5);
    expect(parseCelsius("-5")).toBe(-5);
    expect(parseCelsius("n/a")).toBeNull();
    expect(parseCelsius("")).toBeNull();
    expect(parseCelsius("250000")).toBeNull();
  });

  it("finds the Linux thermal zones and hwmon inputs that read", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "tw-thermal-"));
    const w = (f: string, v: string) => (fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true }), fs.writeFileSync(path.join(root, f), v));
    w("thermal/thermal_zone0/temp", "41000\n");
    w("thermal/thermal_zone1/temp", "garbage");
    w("thermal/cooling_device0/cur_state", "0");
    w("hwmon/hwmon0/temp1_input", "55000");
    w("hwmon/hwmon0/temp1_label", "Package id 0");
    expect(linuxTempFiles(path.join(root, "thermal"), path.join(root, "hwmon")).map((f) => path.relative(root, f))).toEqual(["thermal/thermal_zone0/temp", "hwmon/hwmon0/temp1_input"]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("per interval: the mean of the reads in it, else the last before it; a sensor that never read is no series", () => {
    const rec = {
      tNs: [0, 1.5e9, 1.7e9, 3.5e9],
      readings: [
        { cpuC: 40, gpuC: null, batteryPct: 80 },
        { cpuC: 42, gpuC: null, batteryPct: 80 },
        { cpuC: 44, gpuC: null, batteryPct: 79 },
        { cpuC: 50, gpuC: null, batteryPct: 79 },
      ],
    };
    const s = thermalPerInterval(rec, [
      { t0Ns: 0.5e9, t1Ns: 1e9 },
      { t0Ns: 1e9, t1Ns: 2e9 },
      { t0Ns: 2e9, t1Ns: 3e9 },
    ]);
    expect(s).toEqual({ cpuC: [40, 43, 44], gpuC: [], batteryPct: [80, 79.5, 79] });
  });
});

describe("the sustained contract", () => {
  const base = () => {
    const s = makeSubmission({ workloads: 1 });
    const w = s.workloads[0]!;
    Object.assign(w, { workloadId: "sustained@6s", nPrompt: 0, nGen: 256, nDepth: 0, nBatch: 1, power: [], energyPerToken: null, prefillEnergyPerToken: null, decodeEnergyPerToken: null, powerTrace: [] });
    w.samples = [1, 2, 3].map(() => ({ durationNs: 1e9, promptTokens: 0, genTokens: 40, energyJ: null, firstTokenNs: null }));
    (w as Record<string, unknown>).sustained = { intervalS: 1, cpuC: [40, 41, 42], gpuC: [], batteryPct: [] };
    return s;
  };

  it("accepts a sustained run whose intervals decode different counts, and flags prompts in it", () => {
    const s = base();
    s.workloads[0]!.samples[1]!.genTokens = 20;
    const ok = parseSubmission(s);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(checkSubmission(ok.submission).map((f) => f.message)).toEqual([]);
    s.workloads[0]!.samples[1]!.promptTokens = 5;
    const p = parseSubmission(s);
    expect(p.ok && checkSubmission(p.submission).map((f) => f.code)).toEqual(["inconsistent_tokens"]);
  });

  it("refuses a series that is not one value per interval, or a series on another workload", () => {
    const s = base();
    (s.workloads[0] as Record<string, unknown>).sustained = { intervalS: 1, cpuC: [40, 41], gpuC: [], batteryPct: [] };
    const r = parseSubmission(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).toContain("workloads.0.sustained.cpuC");
    const t = makeSubmission({ workloads: 1 });
    (t.workloads[0] as Record<string, unknown>).sustained = { intervalS: 1, cpuC: [], gpuC: [], batteryPct: [] };
    const u = parseSubmission(t);
    expect(u.ok).toBe(false);
  });
});
