/**
 * Calibration of the energy window cut (lib/core/measure/energy-window.ts, energy.ts): recordings of
 * known power profiles (constant, step, ramp), as sampled power and as a cumulative counter, cut at
 * known repetition intervals, must give the analytic energy within 2%.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { energyPerToken, workloadReadings, type SensorRecordingLike } from "../../lib/core/measure/energy";
import { energyInWindow, MIN_PERIODS_PER_WINDOW, type Recording } from "../../lib/core/measure/energy-window";

const MS = 1e6;
type Profile = { name: string; watts: (tNs: number) => number; joules: (t0: number, t1: number) => number };

const constant = (w: number): Profile => ({ name: `constant ${w} W`, watts: () => w, joules: (a, b) => (w * (b - a)) / 1e9 });
const step = (lo: number, hi: number, atNs: number): Profile => ({
  name: `step ${lo}->${hi} W`,
  watts: (t) => (t < atNs ? lo : hi),
  joules: (a, b) => (lo * Math.max(0, Math.min(b, atNs) - a) + hi * Math.max(0, b - Math.max(a, atNs))) / 1e9,
});
const ramp = (w0: number, wPerS: number): Profile => ({
  name: `ramp ${w0} W + ${wPerS} W/s`,
  watts: (t) => w0 + (wPerS * t) / 1e9,
  joules: (a, b) => ((b - a) / 1e9) * (w0 + (wPerS * (a + b)) / 2 / 1e9),
});

/** What a sampled meter records: the profile read every `periodMs` from 0 to `endNs`. */
function sampled(p: Profile, periodMs: number, endNs: number): Recording {
  const tNs: number[] = [];
  for (let t = 0; t <= endNs + periodMs * MS; t += periodMs * MS) tNs.push(t);
  return { kind: "power", tNs, values: tNs.map(p.watts), periodMs };
}

/** What a counter records: the profile's cumulative energy read every `periodMs`. */
function counter(p: Profile, periodMs: number, endNs: number): Recording {
  const tNs: number[] = [];
  for (let t = 0; t <= endNs + periodMs * MS; t += periodMs * MS) tNs.push(t);
  return { kind: "energy", tNs, values: tNs.map((t) => p.joules(0, t)), periodMs };
}

const PROFILES = [constant(10), step(5, 25, 700 * MS), ramp(8, 20)];

describe("energy of a repetition cut out of a recording", () => {
  for (const p of PROFILES) {
    for (const [kind, make, period] of [["sampled power", sampled, 5], ["energy counter", counter, 20]] as const) {
      // Linear interpolation is exact for constant and ramp profiles; a step inside one sensor period
      // is resolved to within (step x period / 2) joules, so step windows span 100+ periods here.
      const minPeriods = p.name.startsWith("step") && kind === "sampled power" ? 100 : 3;
      it(`${p.name}, ${kind}: within 2% of the analytic energy for any window of ${minPeriods}+ periods`, () => {
        fc.assert(
          fc.property(fc.integer({ min: 50, max: 1500 }), fc.integer({ min: minPeriods * period, max: Math.max(600, minPeriods * period * 2) }), (startMs, lenMs) => {
            const t0 = startMs * MS + 0.37 * MS; // off the sample grid
            const t1 = t0 + lenMs * MS;
            const rec = make(p, period, 2500 * MS);
            const got = energyInWindow(rec, t0, t1)!;
            const want = p.joules(t0, t1);
            expect(Math.abs(got.energyJ - want) / want).toBeLessThan(0.02);
            expect(got.short).toBe(false);
          }),
          { numRuns: 200 },
        );
      });
    }
  }

  it("flags a window shorter than a few sensor periods, and refuses one a counter does not cover", () => {
    const rec = counter(constant(10), 20, 1000 * MS);
    const short = energyInWindow(rec, 100 * MS, 130 * MS)!;
    expect(short.short).toBe(true);
    expect(short.energyJ).toBeCloseTo(0.3, 9); // a constant profile interpolates exactly
    expect(energyInWindow(rec, 100 * MS, (100 + MIN_PERIODS_PER_WINDOW * 20) * MS)!.short).toBe(false);
    expect(energyInWindow(rec, -5 * MS, 100 * MS)).toBeNull();
    expect(energyInWindow(rec, 900 * MS, 5000 * MS)).toBeNull();
  });
});

describe("a workload's energy and J/token: the timed repetitions only", () => {
  it("sums each repetition's window, leaves the gaps out (depth prefill, reset, IPC), and divides by their tokens", () => {
    // 10 W all along; three 200 ms repetitions separated by 500 ms of untimed work.
    const reps = [0, 1, 2].map((i) => ({ t0Ns: (100 + i * 700) * MS, t1Ns: (300 + i * 700) * MS }));
    const p = constant(10);
    const recs: SensorRecordingLike[] = [
      { ...sampled(p, 50, 2500 * MS), sensor: "external:command", scope: "wall", method: "sampled", tier: "external" },
      { ...counter(ramp(4, 2), 20, 2500 * MS), sensor: "intel-rapl:0", scope: "package", method: "counter", tier: "counter" },
    ];
    const out = workloadReadings(recs, reps);
    expect(out[0]!.reading).toMatchObject({ method: "sampled", durationNs: 600 * MS, tier: "external", flags: [] });
    expect(out[0]!.reading.energyJ).toBeCloseTo(6, 9);
    expect(out[0]!.repEnergyJ.map((x) => Number(x!.toFixed(9)))).toEqual([2, 2, 2]);
    const pkg = reps.reduce((a, r) => a + ramp(4, 2).joules(r.t0Ns, r.t1Ns), 0);
    expect(out[1]!.reading.energyJ).toBeCloseTo(pkg, 6);
    // 120 tokens in 0.6 s = 200 tokens/s; 10 W / 200 tokens/s = 0.05 J/token, in the wall scope.
    const e = energyPerToken(out.map((o) => o.reading), 120)!;
    expect(e).toMatchObject({ scope: "wall", sensors: ["external:command"], tier: "external" });
    expect(e.totalJ).toBeCloseTo(0.05, 9);
  });

  it("flags the reading when a repetition is shorter than a few sensor periods", () => {
    const rec: SensorRecordingLike = { ...sampled(constant(10), 100, 1000 * MS), sensor: "s", scope: "wall", method: "sampled", tier: "external" };
    const [r] = workloadReadings([rec], [{ t0Ns: 100 * MS, t1Ns: 150 * MS }]);
    expect(r!.reading.flags).toEqual(["short_window"]);
    expect(r!.reading.energyJ).toBeCloseTo(0.5, 9);
  });
});

describe("what a recording cannot tell", () => {
  it("extrapolates nothing: a window before the first read or after the last has no energy, for either kind", () => {
    const power = sampled(constant(10), 100, 100 * MS); // reads at 0, 100, 200 ms
    expect(energyInWindow(power, 5000 * MS, 6000 * MS)).toBeNull();
    expect(energyInWindow(power, 150 * MS, 250 * MS)).toBeNull();
    expect(energyInWindow(power, 50 * MS, 150 * MS)!.energyJ).toBeCloseTo(1, 9);
  });

  it("reports a gap when the meter stalled around or inside a window", () => {
    const stalled: Recording = { kind: "power", tNs: [0, 20, 40, 400, 420].map((t) => t * MS), values: [10, 10, 10, 10, 10], periodMs: 20 };
    expect(energyInWindow(stalled, 100 * MS, 300 * MS)!.gap).toBe(true);
    expect(energyInWindow(stalled, 5 * MS, 35 * MS)!.gap).toBe(false);
  });
});
