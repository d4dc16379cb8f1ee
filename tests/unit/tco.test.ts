import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ASSUMPTIONS, ASSUMPTION_KEYS } from "../../lib/core/tco/assumptions";
import { inputsFromSearchParams, inputsToSearchParams, upgradeInputs, validateInputs } from "../../lib/core/tco/inputs";
import {
  breakEvenDeviceJPerToken,
  breakEvenOffloadShare,
  breakEvens,
  capitalRecoveryFactor,
  defaultInputs,
  effectiveDcShare,
  evaluate,
  horizon,
  offloadShareIn,
  trajectory,
  type TcoInputs,
} from "../../lib/core/tco/model";
import { tiriasPreset, withRegion } from "../../lib/core/tco/presets";
import { correlatedUniforms, medianNote, monteCarlo, mulberry32, normalCdf, sampledKeys, tornado, triangular } from "../../lib/core/tco/uncertainty";
import { batchWhereDcBeatsDevice, CLOUD_MODELS, curveJPerToken, gpuJPerToken, itJPerToken } from "../../lib/core/tco/dc-energy";

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

  it("grows token demand year by year; power follows tokens x the falling J/token", () => {
    const t = trajectory({ ...tiriasPreset(), demandGrowth: 0.5, dcEfficiencyGain: 0.2 }, 2030);
    expect(t.map((r) => r.year)).toEqual([2028, 2029, 2030]);
    expect(t[2]!.tokensPerYear / t[0]!.tokensPerYear).toBeCloseTo(2.25, 12);
    expect(t[2]!.dc.avgPowerAvoidedMw).toBeCloseTo(800 * 2.25 * 0.64, 6);
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

describe("TCO model v2", () => {
  /** A top-down case small enough to compute by hand. */
  const hand = (): TcoInputs => ({
    ...defaultInputs(),
    mode: "topDown",
    dcPowerMw: 1000,
    dcCostUsd: 10e9,
    fleetItJPerToken: 2.0, // 2.4 facility at PUE 1.2
    dcItJPerToken: 0.3,
    pue: 1.2,
    offloadShare: 0.5,
    onDeviceFraction: 1,
    cloudFallbackRate: 0,
    demandGrowth: 0,
    devices: 1e9,
    deviceJPerToken: 1,
    chargingEfficiency: 0.8,
    residentialUsdPerKwh: 0.2,
    batteryServiceUsd: 80, // $80 over 1,000 cycles of 20 Wh, all of it marginal: $4 per kWh
    batteryCycleLife: 1000,
    batteryWearMarginalShare: 1,
    deviceLifeYears: 4,
    aiUpgradeShare: 0.1,
    aiEmbodiedShare: 0.04,
    devicePriceUsd: 400,
    deviceEmbodiedKg: 50,
    batteryWh: 20,
    deviceGridGPerKwh: 400,
    dcGridGPerKwh: 300,
    peakToAverage: 1.5,
    dcEmbodiedTPerMwYear: 200,
    adoptionCurve: "none", // every purchase the offload needs is charged (the v2 attribution): m = s
  });

  it("hand-computed top-down: the fleet's volume apart from the replaced model, the device side's money and carbon, who pays", () => {
    const r = evaluate(hand());
    // T = 1000 MW x 8760 h x 3.6e9 J/MWh / 2.4 J = 1.314e16 tokens; the replaced model costs r = 0.36 / 2.4 = 0.15 of the average
    expect(r.tokensPerYear).toBeCloseTo(1.314e16, -6);
    expect(r.dc.energyAvoidedMwh).toBeCloseTo(657_000, 4); // 0.5 x 1000 x 8760 x 0.15
    expect(r.dc.costAvoidedLongRunUsd).toBeCloseTo(7.5e8, 0); // 0.5 x $10B x 0.15
    // embodied DC carbon on IT MW: 75 MW avg x 1.5 peak / 1.2 PUE = 93.75 MW IT x 200 t
    expect(r.dc.provisionedItAvoidedMw).toBeCloseTo(93.75, 9);
    expect(r.dc.carbonAvoidedT).toBeCloseTo(657_000 * 0.3 + 93.75 * 200, 4);
    // devices: 6.57e15 tokens x 1 J = 1,825,000 MWh at the battery, / 0.8 = 2,281,250 MWh at the wall
    expect(r.device.batteryEnergyMwh).toBeCloseTo(1_825_000, 3);
    expect(r.device.energyAddedMwh).toBeCloseTo(2_281_250, 3);
    expect(r.device.electricityUsd).toBeCloseTo(2_281_250 * 1000 * 0.2, 0);
    expect(r.device.batteryWearUsd).toBeCloseTo(1_825_000 * 1000 * 4, 0);
    // 1e9 devices / 4 years = 2.5e8 purchases x m 0.5 (s, no device AI-capable anyway) x 0.1 x $400
    expect(r.device.upgradesUsd).toBeCloseTo(5e9, 0);
    expect(r.device.carbonEmbodiedT).toBeCloseTo((2.5e8 * 50 * (0.04 + 0.1) * 0.5) / 1000, 4);
    expect(r.device.carbonElectricityT).toBeCloseTo(2_281_250 * 0.4, 4);
    // per device per day: 18,000 tokens, 5 Wh from the battery (a quarter of 20 Wh)
    expect(r.perDevice.tokensPerDay).toBeCloseTo(18_000, 6);
    expect(r.perDevice.batteryWhPerDay).toBeCloseTo(5, 9);
    expect(r.perDevice.batteryShare).toBeCloseTo(0.25, 9);
    const usersUsd = 2_281_250 * 1000 * 0.2 + 1_825_000 * 1000 * 4 + 5e9;
    expect(r.perDevice.usdPerDay).toBeCloseTo(usersUsd / 1e9 / 365, 9);
    expect(r.whoPays.operator).toEqual({ usd: r.dc.costAvoidedLongRunUsd, mwh: r.dc.energyAvoidedMwh, tCo2e: r.dc.carbonAvoidedT });
    expect(r.whoPays.users.usd).toBeCloseTo(-usersUsd, 0);
    expect(r.whoPays.society.usd).toBeCloseTo(7.5e8 - usersUsd, 0);
    expect(r.whoPays.society.mwh).toBeCloseTo(657_000 - 2_281_250, 3);
    expect(r.whoPays.society.tCo2e).toBeCloseTo(r.net.carbonSavedT, 6);
  });

  it("hand-computed break-evens: battery side, wall side, carbon", () => {
    const b = breakEvens(hand());
    expect(b.energyBatteryJPerToken).toBeCloseTo(0.36 * 0.8, 12); // j_rep x PUE x eta
    expect(b.energyWallJPerToken).toBeCloseTo(0.36, 12);
    expect(evaluate({ ...hand(), deviceJPerToken: b.energyBatteryJPerToken! }).net.energySavedMwh).toBeCloseTo(0, 6);
    // the devices' embodied share alone outweighs the DC carbon here: no device energy breaks even
    expect(b.carbonBatteryJPerToken).toBeNull();
    const noEmbodied = { ...hand(), aiEmbodiedShare: 0, aiUpgradeShare: 0 };
    const c = breakEvens(noEmbodied).carbonBatteryJPerToken!;
    expect(c).toBeCloseTo(((657_000 * 0.3 + 93.75 * 200) * 1000 * 3.6e9 * 0.8) / (6.57e15 * 400), 12);
    expect(evaluate({ ...noEmbodied, deviceJPerToken: c }).net.carbonSavedT).toBeCloseTo(0, 4);
  });

  it("hand-computed trajectory: growth, efficiency on both sides, the ramp, cumulative totals and NPV", () => {
    const i = { ...hand(), demandGrowth: 0.5, dcEfficiencyGain: 0.2, deviceEfficiencyGain: 0.15, baseYear: 2028, year: 2030 };
    const r0 = evaluate({ ...i, year: 2028 });
    const r2 = evaluate(i);
    // tokens x 1.5^2 on both sides: DC energy x 0.8^2 per token, the device's battery energy x 0.85^2
    expect(r2.dc.energyAvoidedMwh / r0.dc.energyAvoidedMwh).toBeCloseTo(2.25 * 0.8 ** 2, 12);
    expect(r2.device.batteryEnergyMwh / r0.device.batteryEnergyMwh).toBeCloseTo(2.25 * 0.85 ** 2, 12);
    // the ramp: from 10% to 50% over 4 years is 30% after 2
    expect(offloadShareIn({ ...hand(), offloadShareStart: 0.1, rampYears: 4, baseYear: 2028 }, 2030)).toBeCloseTo(0.3, 12);
    expect(offloadShareIn({ ...hand(), offloadShareStart: 0.1, rampYears: 4, baseYear: 2028 }, 2040)).toBeCloseTo(0.5, 12);
    // coverage mode: 71.3% answered x 50% of devices able
    expect(offloadShareIn({ ...hand(), offloadMode: "coverage", smallModelCoverage: 0.713, capableDeviceShare: 0.5 }, 2028)).toBeCloseTo(0.3565, 12);
    // NPV of three equal years at 10%: x (1 + 1/1.1 + 1/1.21)
    const flat = { ...hand(), horizonYears: 3, discountRate: 0.1, dcEfficiencyGain: 0, deviceEfficiencyGain: 0 };
    const h = horizon(flat);
    const x = evaluate(flat).whoPays.society.usd;
    expect(h.results).toHaveLength(3);
    expect(h.netUsd).toBeCloseTo(3 * x, 0);
    expect(h.npvNetUsd).toBeCloseTo(x * (1 + 1 / 1.1 + 1 / 1.21), 0);
    expect(h.npvOperatorUsd).toBeCloseTo(7.5e8 * (1 + 1 / 1.1 + 1 / 1.21), 0);
    expect(horizon({ ...flat, horizonYears: 5 }).npvNetUsd).not.toBeCloseTo(h.npvNetUsd, 0);
  });

  it("zero offload moves nothing on every output, in both modes and with the trajectory", () => {
    for (const mode of ["topDown", "bottomUp"] as const) {
      const i = { ...defaultInputs(), mode, offloadShare: 0, offloadShareStart: 0, year: 2031 };
      const r = evaluate(i);
      const device = Object.entries(r.device).filter(([k]) => k !== "batteryWearUsdPerKwh" && k !== "capableSalesShare").map(([, v]) => v); // a price and the market's share, not amounts
      for (const v of [...Object.values(r.dc), ...device, ...Object.values(r.net), r.usdPerMTokens.dc, r.usdPerMTokens.device]) expect(v).toBe(0);
      expect([r.whoPays.operatorShortRunUsd, r.whoPays.societyShortRunUsd]).toEqual([0, 0]);
      for (const p of [r.whoPays.operator, r.whoPays.users, r.whoPays.society]) expect([p.usd, p.mwh, p.tCo2e].every((v) => v === 0)).toBe(true);
      expect(r.perDevice.tokensPerDay).toBe(0);
      expect(horizon(i).npvNetUsd).toBe(0);
      // Not null (the v2 review's N16): the break-evens of the first tokens moved, which any small share shares (tco-review-fixes.test.ts)
      expect(breakEvens(i).basis).toBe("first-tokens");
      expect(breakEvens(i).energyBatteryJPerToken).toBeGreaterThan(0);
    }
  });

  it("refuses blank, whitespace and null inputs with a field message instead of reading 0", () => {
    for (const v of ["", "   ", null]) {
      const r = validateInputs({ ...defaultInputs(), pue: v } as Record<string, unknown>);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.pue).toMatch(/Power usage effectiveness.*(blank|enter a number)/);
    }
    const missing = { ...defaultInputs() } as Record<string, unknown>;
    delete missing.horizonYears;
    const m = validateInputs(missing);
    expect(!m.ok && m.errors.horizonYears).toMatch(/missing/);
    expect(validateInputs({ ...defaultInputs(), horizonYears: "0" }).ok).toBe(false);
    // the data-center J/token range holds IT energy only: 70B-class 2.4 incl. PUE 1.2 is 2.0 IT
    expect(ASSUMPTIONS.dcItJPerToken.high).toBe(2.0);
  });

  it("a v1 scenario keeps its results: the fleet average is the replaced model's figure", () => {
    const v1 = { ...tiriasPreset() } as Record<string, unknown>;
    for (const k of ["fleetJPerToken", "devices", "horizonYears", "offloadMode", "offloadShareStart", "rampYears"]) delete v1[k];
    const up = validateInputs(upgradeInputs(v1));
    expect(up.ok).toBe(true);
    if (up.ok) expect(evaluate(up.inputs).dc.avgPowerAvoidedMw).toBeCloseTo(800, 9);
  });

  it("Monte Carlo: decision levers held unless asked, the two grids correlated", () => {
    expect(sampledKeys()).not.toContain("offloadShare");
    expect(sampledKeys()).not.toContain("dcCostUsd");
    expect(sampledKeys({ sampleLevers: true })).toContain("offloadShare");
    // normal scores of the paired uniforms correlate at rho
    const rand = mulberry32(7);
    let sxy = 0;
    const n = 20_000;
    const probit = (u: number) => {
      // bisection on the CDF: accurate enough for a correlation check
      let lo = -8;
      let hi = 8;
      for (let k = 0; k < 50; k++) {
        const m = (lo + hi) / 2;
        if (normalCdf(m) < u) lo = m;
        else hi = m;
      }
      return (lo + hi) / 2;
    };
    for (let k = 0; k < n; k++) {
      const [a, b] = correlatedUniforms(rand, 0.8);
      sxy += probit(a) * probit(b);
    }
    expect(sxy / n).toBeCloseTo(0.8, 1);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    // the point result of the Tirias preset sits inside the draws, and the median note explains a gap
    const i = tiriasPreset();
    const mc = monteCarlo(i, 2000, 1);
    const note = medianNote(i, "netEnergySavedMwh", mc.netEnergySavedMwh, "net energy");
    const point = evaluate(i).net.energySavedMwh;
    if (Math.abs(mc.netEnergySavedMwh.p50 - point) > 0.05 * Math.max(Math.abs(point), Math.abs(mc.netEnergySavedMwh.p50))) expect(note).toMatch(/median of its draws/);
    else expect(note).toBeNull();
  });

  it("regions set both grids, water and prices from sourced figures", () => {
    const i = withRegion(withRegion(defaultInputs(), "dc", "us"), "users", "eu27");
    expect(i).toMatchObject({ dcGridGPerKwh: 369, generationWaterLPerKwh: 3.13, dcElectricityUsdPerKwh: 0.08, deviceGridGPerKwh: 244, residentialUsdPerKwh: 0.31 });
  });
});

describe("J/token against batch", () => {
  it("interpolates log-log on any curve, and finds the batch from which the data center beats the device", () => {
    const pts = CLOUD_MODELS["llama-3.2-1b"].points;
    expect(curveJPerToken(pts, 16)).toBeCloseTo(Math.exp(Math.log(7.04) + (Math.log(16) / Math.log(256)) * (Math.log(0.035) - Math.log(7.04))), 12);
    expect(curveJPerToken(pts, 1)).toBe(7.04);
    expect(curveJPerToken(pts, 1024)).toBe(0.035);
    // facility 1.68 x GPU J/token against the device's 0.93 / 0.85 J at the wall: GPU <= 0.651, reached at b ~ 12.1: the first candidate at or above is 16
    expect(batchWhereDcBeatsDevice(pts, 1.4, 1.2, 0.93 / 0.85)).toBe(16);
    expect(batchWhereDcBeatsDevice(pts, 1.4, 1.2, 0.001)).toBeNull();
    expect(batchWhereDcBeatsDevice(pts, 1, 1, 100)).toBe(1);
    expect(batchWhereDcBeatsDevice([], 1, 1, 1)).toBeNull();
  });
});
