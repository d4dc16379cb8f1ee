/**
 * The idle baseline between the two baselines (review N5): above-idle energy subtracts the idle
 * power interpolated linearly in time over each workload's own repetitions, and a workload whose
 * baselines moved apart by more than a tenth of what it added is flagged `idle_drift`.
 */
import { ModelledCpuMeter } from "../../runners/native/power/modelled";
import { describe, expect, it } from "vitest";
import type { PowerReading, Submission, WorkloadResult } from "../../lib/core/contracts/submission";
import { energyPerToken, interpolatedIdleW, type IdleBaseline, type RepInterval } from "../../lib/core/measure/energy";
import { IDLE_DRIFT_SHARE, idleDriftProblem } from "../../lib/core/measure/plausibility";
import { IDLE_SETTLE_MS, measureIdle } from "../../runners/native/power";
import { SampledMeter } from "../../runners/native/power/meter";

const idleReading = (sensor: string, avgPowerW: number | null, method: PowerReading["method"] = "counter"): PowerReading => ({
  method,
  scope: "package",
  sensor,
  durationNs: 3e9,
  energyJ: avgPowerW == null ? null : avgPowerW * 3,
  avgPowerW,
  idlePowerW: null,
  tier: "counter",
  flags: [],
  rangeJ: null,
});
const baseline = (midNs: number, ...readings: PowerReading[]): IdleBaseline => ({ readings, midNs });
const S = 1e9;

describe("idle power interpolated between the baselines", () => {
  const before = baseline(0, idleReading("rapl", 10));
  const after = baseline(100 * S, idleReading("rapl", 14));

  it("a workload in the middle of the window: 10 W before, 14 W after, 12 W idle, and the exact above-idle joules", () => {
    const reps: RepInterval[] = [{ t0Ns: 45 * S, t1Ns: 55 * S }];
    expect(interpolatedIdleW("rapl", before, after, reps)).toBe(12);
    // 20 W over its 10 s: 200 J, of which 12 W x 10 s = 120 J idle: 80 J above idle over 100 tokens.
    const reading = { ...idleReading("rapl", 20), durationNs: 10 * S, energyJ: 200, idlePowerW: interpolatedIdleW("rapl", before, after, reps) };
    const e = energyPerToken([reading], 100)!;
    expect(e.totalJ).toBe(2);
    expect(e.aboveIdleJ! * 100).toBeCloseTo(80, 10);
    // The before-baseline alone would have called 100 J of it the workload's (10 W x 10 s idle).
    expect(energyPerToken([{ ...reading, idlePowerW: 10 }], 100)!.aboveIdleJ! * 100).toBeCloseTo(100, 10);
  });

  it("several repetitions: the idle energy under each, so their duration-weighted middle", () => {
    // 2 s at 10-12 s (middle 11 s: 10.44 W) and 6 s at 80-86 s (middle 83 s: 13.32 W).
    const reps: RepInterval[] = [
      { t0Ns: 10 * S, t1Ns: 12 * S },
      { t0Ns: 80 * S, t1Ns: 86 * S },
    ];
    const idleJ = 2 * (10 + 0.04 * 11) + 6 * (10 + 0.04 * 83);
    expect(interpolatedIdleW("rapl", before, after, reps)! * 8).toBeCloseTo(idleJ, 10);
  });

  it("never extrapolates: repetitions outside the two middles take the nearer baseline", () => {
    expect(interpolatedIdleW("rapl", before, after, [{ t0Ns: -20 * S, t1Ns: -10 * S }])).toBe(10);
    expect(interpolatedIdleW("rapl", before, after, [{ t0Ns: 120 * S, t1Ns: 130 * S }])).toBe(14);
  });

  it("with only the baseline before (no after, an unreadable after, another sensor), that one, as before; without one before, none", () => {
    const reps: RepInterval[] = [{ t0Ns: 45 * S, t1Ns: 55 * S }];
    expect(interpolatedIdleW("rapl", before, null, reps)).toBe(10);
    expect(interpolatedIdleW("rapl", before, baseline(100 * S, idleReading("rapl", null, "unavailable")), reps)).toBe(10);
    expect(interpolatedIdleW("rapl", before, baseline(100 * S, idleReading("nvml:0", 60)), reps)).toBe(10);
    expect(interpolatedIdleW("rapl", baseline(0), after, reps)).toBeNull();
    expect(interpolatedIdleW("rapl", baseline(0, idleReading("rapl", null, "unavailable")), after, reps)).toBeNull();
  });
});

describe("idle drift flag (server side, from the submitted readings)", () => {
  const S_WINDOW = 10 * S;
  /** A workload drawing `activeW` on one package sensor, its idle power `idleW` on the reading. */
  const workload = (activeW: number, idleW: number | null, sensor = "rapl"): WorkloadResult =>
    ({
      workloadId: "tg128",
      status: "ok",
      samples: [{ durationNs: S_WINDOW, promptTokens: 0, genTokens: 128, energyJ: null, firstTokenNs: null }],
      power: [{ ...idleReading(sensor, activeW), durationNs: S_WINDOW, energyJ: activeW * 10, idlePowerW: idleW }],
    }) as unknown as WorkloadResult;
  const run = (beforeW: number, afterW: number | null): Pick<Submission, "idlePower" | "idlePowerAfter"> => ({
    idlePower: [idleReading("rapl", beforeW)],
    idlePowerAfter: afterW == null ? [] : [idleReading("rapl", afterW)],
  });

  it("small drift: no flag; large drift, up or down: flagged with both baselines and the share", () => {
    // 20 W active over a 10 W idle adds 10 W: up to 1 W of drift passes.
    expect(idleDriftProblem(workload(20, 10.4), run(10, 10.8))).toBeNull();
    expect(idleDriftProblem(workload(20, 9.6), run(10, 9.2))).toBeNull();
    expect(idleDriftProblem(workload(20, 10.45), run(10, 10.9))).toBeNull();
    const up = idleDriftProblem(workload(20, 12), run(10, 14));
    expect(up).toMatch(/moved from 10\.00 W before the workloads to 14\.00 W after them \(\+4\.00 W\), 50% of the 8\.00 W this workload added above idle \(over 10%\)/);
    expect(idleDriftProblem(workload(20, 9), run(10, 8))).toMatch(/\(-2\.00 W\), 18% of the 11\.0 W/);
    expect(IDLE_DRIFT_SHARE).toBe(0.1);
  });

  it("judged against each workload's own added power: the same drift spoils a workload that adds little", () => {
    expect(idleDriftProblem(workload(60, 10.5), run(10, 11))).toBeNull();
    expect(idleDriftProblem(workload(15, 10.5), run(10, 11))).toMatch(/22% of the 4\.50 W/);
    // Nothing added above idle and a baseline that moved: flagged; constant readings: not.
    expect(idleDriftProblem(workload(10, 10.5), run(10, 11))).toMatch(/added nothing measurable above idle/);
    expect(idleDriftProblem(workload(10, 10), run(10, 10))).toBeNull();
    // A constant power averaged over two windows differs in its last bits: that is not drift.
    expect(idleDriftProblem(workload(10, 10), run(10, 10 + 1e-12))).toBeNull();
    expect(idleDriftProblem(workload(10, 10), run(10, 10.001))).toMatch(/added nothing measurable/);
  });

  it("nothing to judge without both baselines of the workload's sensors, or without an above-idle figure", () => {
    expect(idleDriftProblem(workload(20, 10), run(10, null))).toBeNull();
    expect(idleDriftProblem(workload(20, null), run(10, 14))).toBeNull();
    expect(idleDriftProblem(workload(20, 10, "nvml:0"), run(10, 14))).toBeNull();
  });
});

describe("idle settle", () => {
  it("waits at least 10 s after the bandwidth benchmark by default; callers (tests) can shorten it", async () => {
    expect(IDLE_SETTLE_MS).toBeGreaterThanOrEqual(10_000);
    const meter = new SampledMeter("external:fake", "wall", async () => 7, 5, "external");
    const t0 = Date.now();
    const idle = await measureIdle([meter], 0.05, 0);
    expect(Date.now() - t0).toBeLessThan(IDLE_SETTLE_MS / 2);
    expect(idle.readings[0]!.avgPowerW).toBeCloseTo(7, 9);
  });

  it("waits only where a sensor reads heat: the modelled meter alone (the runner's own CPU time) starts at once", async () => {
    const modelled = new ModelledCpuMeter(undefined, 20);
    let t0 = Date.now();
    await measureIdle([modelled], 0.05); // the default settle
    expect(Date.now() - t0).toBeLessThan(IDLE_SETTLE_MS / 2);
    // With a sensor beside it, the settle is waited (shortened here to 300 ms).
    const sensor = new SampledMeter("external:fake", "wall", async () => 7, 5, "external");
    t0 = Date.now();
    await measureIdle([modelled, sensor], 0.05, 300);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });
});
