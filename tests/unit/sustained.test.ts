import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseWorkloadId, resolveWorkloads, SUITES, timedSamples, WorkloadListError } from "../../lib/core/contracts/workloads";
import { sustainedSummary, MIN_THROTTLE_THRESHOLD } from "../../lib/core/measure/sustained";
import { checkSubmission } from "../../lib/core/measure/plausibility";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { linuxTempFiles, parseCelsius, thermalPerInterval } from "../../runners/native/thermal";
import { makeSubmission } from "../helpers/fixtures";

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

describe("sustainedSummary", () => {
  it("a device that keeps its speed: ratio about 1, no throttling", () => {
    const s = sustainedSummary(run(Array(30).fill(40)))!;
    expect(s.peakTokensPerS).toBe(40);
    expect(s.steadyTokensPerS).toBe(40);
    expect(s.throttleRatio).toBe(1);
    expect(s.timeToThrottleS).toBeNull();
    expect(s.threshold).toBe(MIN_THROTTLE_THRESHOLD);
  });

  it("the iPhone 16 Pro case: 40 tokens/s falling to 22.6 from the 2nd minute is a 0.57 ratio, throttled at 120 s", () => {
    const rates = Array.from({ length: 30 }, (_, i) => (i < 12 ? 40 : 22.6));
    const s = sustainedSummary(rates.map((r) => ({ durationNs: 10e9, genTokens: r * 10 })))!;
    expect(s.peakTokensPerS).toBe(40);
    expect(s.steadyTokensPerS).toBeCloseTo(22.6, 6);
    expect(s.throttleRatio).toBeCloseTo(0.565, 3);
    expect(s.timeToThrottleS).toBe(120);
  });

  it("noise is not throttling: intervals scattered ±15% around a flat speed never count as a slowdown", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.15, max: 0.15, noNaN: true }), { minLength: 12, maxLength: 60 }), (noise) => {
        const s = sustainedSummary(run(noise.map((e) => 1000 * (1 + e))))!;
        // Where it calls a slowdown, the steady state is really below the peak by more than its threshold.
        if (s.timeToThrottleS != null) expect(s.steadyTokensPerS).toBeLessThan(s.peakTokensPerS * (1 - s.threshold));
        return s.threshold >= MIN_THROTTLE_THRESHOLD && s.throttleRatio <= 1;
      }),
    );
    // A deterministic scatter: alternating +-10% is noise of 10%, the threshold rises above it.
    const s = sustainedSummary(run(Array.from({ length: 30 }, (_, i) => (i % 2 ? 1100 : 900))))!;
    expect(s.timeToThrottleS).toBeNull();
    expect(s.threshold).toBeGreaterThan(0.1);
  });

  it("a slow decline is found where it stays below the threshold for good, not at a dip that recovers", () => {
    const rates = [50, 50, 50, 40, 50, 50, 50, 50, 48, 46, 44, 42, 40, 40, 40, 40];
    const s = sustainedSummary(run(rates))!;
    expect(s.timeToThrottleS).toBe(9);
    expect(sustainedSummary([])).toBeNull();
    // Too few intervals for a noise estimate: the 5% floor decides.
    const short = sustainedSummary(run([160, 135, 134]))!;
    expect(short.threshold).toBe(MIN_THROTTLE_THRESHOLD);
    expect(short.timeToThrottleS).toBe(1);
    // A run noisier than 50% still calls a halving a slowdown.
    const wild = sustainedSummary(run([100, 20, 180, 30, 170, 100, 25, 175, 20, 20, 20, 20]))!;
    expect(wild.threshold).toBe(0.5);
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
