import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ASSUMPTIONS, ASSUMPTION_KEYS } from "../../lib/core/tco/assumptions";
import { inputsFromSearchParams, inputsToSearchParams, validateInputs } from "../../lib/core/tco/inputs";
import { breakEvenDeviceJPerToken, breakEvenOffloadShare, capitalRecoveryFactor, defaultInputs, effectiveDcShare, evaluate, trajectory, type TcoInputs } from "../../lib/core/tco/model";
import { tiriasPreset } from "../../lib/core/tco/presets";
import { monteCarlo, tornado, triangular } from "../../lib/core/tco/uncertainty";
import { gpuJPerToken, itJPerToken } from "../../lib/core/tco/dc-energy";

const simpleBottomUp = (): TcoInputs => ({
  ...defaultInputs(),
  mode: "bottomUp",
  users: 1e6,
  queriesPerUserPerDay: 10,
  tokensPerQuery: 100,
  dcItJPerToken: 0.5,
  pue: 1.2,
  offloadShare: 1,
  onDeviceFraction: 1,
  cloudFallbackRate: 0,
  deviceJPerToken: 1,
  chargingEfficiency: 0.8,
});

describe("TCO model", () => {
  it("reproduces the Tirias 2028 claim exactly: $15.2B and 800 MW", () => {
    const r = evaluate(tiriasPreset());
    expect(r.dc.costAvoidedLongRunUsd).toBeCloseTo(15.2e9, -3);
    expect(r.dc.avgPowerAvoidedMw).toBeCloseTo(800, 9);
    expect(r.effectiveDcShare).toBeCloseTo(0.2, 12);
  });

  it("hand-computed: capital recovery factor and effective share", () => {
    expect(capitalRecoveryFactor(0.08, 4)).toBeCloseTo(0.301921, 6);
    expect(capitalRecoveryFactor(0, 4)).toBe(0.25);
    expect(effectiveDcShare({ offloadShare: 0.5, onDeviceFraction: 0.5, cloudFallbackRate: 0.1, hybridDcFraction: 0.4 })).toBeCloseTo(0.375, 12);
  });

  it("hand-computed bottom-up case where offload raises total energy", () => {
    const r = evaluate(simpleBottomUp());
    // 1e6 users x 10 queries x 365 days x 100 tokens = 3.65e11 tokens; x 0.5 J x PUE 1.2 = 2.19e11 J = 60.83 MWh
    expect(r.tokensPerYear).toBeCloseTo(3.65e11, -3);
    expect(r.dc.energyAvoidedMwh).toBeCloseTo(60.8333, 3);
    // devices: 3.65e11 x 1 J / 0.8 charging = 4.5625e11 J = 126.74 MWh
    expect(r.device.energyAddedMwh).toBeCloseTo(126.7361, 3);
    expect(r.net.energySavedMwh).toBeCloseTo(60.8333 - 126.7361, 3);
    expect(r.net.energySavedMwh).toBeLessThan(0);
    // break-even device energy = j_it x PUE x charging efficiency = 0.48 J/token
    expect(breakEvenDeviceJPerToken(simpleBottomUp())).toBeCloseTo(0.48, 9);
    expect(evaluate({ ...simpleBottomUp(), deviceJPerToken: 0.48 }).net.energySavedMwh).toBeCloseTo(0, 6);
    // water: MWh x L/kWh = m3
    const i = simpleBottomUp();
    expect(r.dc.waterAvoidedM3).toBeCloseTo((60.8333 / 1.2) * i.wueLPerKwh + 60.8333 * i.generationWaterLPerKwh, 2);
  });

  it("zero offload saves nothing and adds nothing", () => {
    const r = evaluate({ ...defaultInputs(), offloadShare: 0 });
    expect(r.dc.costAvoidedLongRunUsd).toBe(0);
    expect(r.dc.energyAvoidedMwh).toBe(0);
    expect(r.device.energyAddedMwh).toBe(0);
    expect(r.net.carbonSavedT).toBe(0);
    expect(breakEvenOffloadShare(defaultInputs())).toBeNull(); // both sides scale with the share
  });

  it("DC savings rise with the offload share, for any inputs (property)", () => {
    const arb = fc.record(Object.fromEntries(ASSUMPTION_KEYS.map((k) => [k, fc.double({ min: ASSUMPTIONS[k].low, max: ASSUMPTIONS[k].high, noNaN: true })])));
    fc.assert(
      fc.property(arb, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom("topDown", "bottomUp"), (x, s1, s2, mode) => {
        const i = { ...defaultInputs(), ...x, mode } as TcoInputs;
        const [lo, hi] = s1 < s2 ? [s1, s2] : [s2, s1];
        const a = evaluate({ ...i, offloadShare: lo });
        const b = evaluate({ ...i, offloadShare: hi });
        return b.dc.costAvoidedLongRunUsd >= a.dc.costAvoidedLongRunUsd - 1e-6 && b.dc.energyAvoidedMwh >= a.dc.energyAvoidedMwh - 1e-9 && Number.isFinite(b.net.energySavedMwh);
      }),
      { numRuns: 300 },
    );
  });

  it("units are consistent: avoided MWh = avoided average MW x 8760 h; short run <= long run in bottom-up", () => {
    const r = evaluate({ ...defaultInputs(), mode: "bottomUp" });
    expect(r.dc.energyAvoidedMwh).toBeCloseTo(r.dc.avgPowerAvoidedMw * 8760, 6);
    expect(r.dc.costAvoidedShortRunUsd).toBeLessThan(r.dc.costAvoidedLongRunUsd);
    expect(r.dc.provisionedAvoidedMw).toBeGreaterThan(r.dc.avgPowerAvoidedMw);
  });

  it("grows demand year by year", () => {
    const t = trajectory({ ...tiriasPreset(), demandGrowth: 0.5 }, 2030);
    expect(t.map((r) => r.year)).toEqual([2028, 2029, 2030]);
    expect(t[2]!.dc.avgPowerAvoidedMw).toBeCloseTo(800 * 2.25, 6);
  });
});

describe("TCO uncertainty", () => {
  it("triangular draws stay in range and hit the mode's quantile", () => {
    expect(triangular(0, 1, 2, 4)).toBe(1);
    expect(triangular(1, 1, 2, 4)).toBe(4);
    expect(triangular(1 / 3, 1, 2, 4)).toBeCloseTo(2, 9);
  });

  it("Monte Carlo of 10,000 draws gives ordered, reproducible percentiles", () => {
    const a = monteCarlo(defaultInputs(), 10_000, 7);
    const b = monteCarlo(defaultInputs(), 10_000, 7);
    expect(a).toEqual(b);
    for (const m of Object.values(a)) {
      expect(m.p10).toBeLessThanOrEqual(m.p50);
      expect(m.p50).toBeLessThanOrEqual(m.p90);
      expect(Number.isFinite(m.mean)).toBe(true);
    }
    expect(a.dcCostAvoidedUsd.p10).toBeGreaterThan(0);
  });

  it("tornado bars are sorted by swing and name the inputs that move the result", () => {
    const bars = tornado(defaultInputs(), "netEnergySavedMwh");
    expect(bars.length).toBeGreaterThan(3);
    for (let k = 1; k < bars.length; k++) expect(bars[k - 1]!.swing).toBeGreaterThanOrEqual(bars[k]!.swing);
    expect(bars.map((b) => b.key)).toContain("deviceJPerToken");
  });
});

describe("TCO inputs", () => {
  it("rejects out-of-range shares, NaN and absurd magnitudes, per field", () => {
    const r = validateInputs({ ...defaultInputs(), offloadShare: -0.1, pue: "abc", dcCostUsd: 1e20, year: 2027 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.offloadShare).toMatch(/between 0 and 1/);
      expect(r.errors.pue).toMatch(/number/);
      expect(r.errors.dcCostUsd).toMatch(/between/);
      expect(r.errors.year).toMatch(/before the base year/);
    }
    expect(validateInputs({ ...defaultInputs(), offloadShare: 1.5 }).ok).toBe(false);
  });

  it("round-trips through URL parameters and reports malformed ones", () => {
    const i = { ...defaultInputs(), offloadShare: 0.35, mode: "bottomUp" as const };
    const p = inputsToSearchParams(i);
    expect(p.toString()).toBe("offloadShare=0.35&mode=bottomUp");
    const back = inputsFromSearchParams(p);
    expect(back.ok && back.inputs).toEqual(i);
    const bad = inputsFromSearchParams(new URLSearchParams("offloadShare=lots&bogus=1"));
    expect(bad.ok).toBe(false);
    expect(bad.unknown).toEqual(["bogus"]);
  });
});

describe("DC energy per token from batch size", () => {
  it("hits the measured points and interpolates log-log between them", () => {
    expect(gpuJPerToken("phi-3-mini-3.8b", 1)).toBe(9.07);
    expect(gpuJPerToken("phi-3-mini-3.8b", 64)).toBe(0.187);
    expect(gpuJPerToken("phi-3-mini-3.8b", 1000)).toBe(0.122);
    // geometric midpoint of batch 64 and 256 is 128: geometric mean of 0.187 and 0.122
    expect(gpuJPerToken("phi-3-mini-3.8b", 128)).toBeCloseTo(Math.sqrt(0.187 * 0.122), 9);
    expect(itJPerToken("llama-3.2-1b", 256, 1.4)).toBeCloseTo(0.049, 9);
  });
});
