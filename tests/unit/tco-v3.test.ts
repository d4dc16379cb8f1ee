import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADOPTION_CURVES, ASSUMPTIONS, ASSUMPTION_KEYS, capableSalesShare, LEVER_KEYS, type AdoptionCurveKey } from "../../lib/core/tco/assumptions";
import { feasibility, FEASIBILITY_LIMITS, worstFeasibility } from "../../lib/core/tco/feasibility";
import { validateInputs } from "../../lib/core/tco/inputs";
import { batteryWearUsdPerKwh, defaultInputs, effectiveDcShare, evaluate, horizon, type TcoInputs } from "../../lib/core/tco/model";
import { tiriasPreset, withDeviceClass } from "../../lib/core/tco/presets";
import { medianNote, METRICS, monteCarlo, rangeOf, sampledKeys, tornado, type MetricKey } from "../../lib/core/tco/uncertainty";

/** Any valid inputs: every ranged input anywhere within its hard bounds, both modes, both replaced-model choices, a later year. */
const anyInputs = fc
  .record({
    x: fc.record(Object.fromEntries(ASSUMPTION_KEYS.map((k) => [k, fc.double({ min: ASSUMPTIONS[k].min, max: ASSUMPTIONS[k].max, noNaN: true })]))),
    mode: fc.constantFrom("topDown" as const, "bottomUp" as const),
    offloadMode: fc.constantFrom("direct" as const, "coverage" as const),
    replacedModel: fc.constantFrom("fleet" as const, "custom" as const),
    adoptionCurve: fc.constantFrom(...(Object.keys(ADOPTION_CURVES) as AdoptionCurveKey[])),
    powerSource: fc.constantFrom("battery" as const, "mains" as const),
    years: fc.integer({ min: 0, max: 8 }),
    rampYears: fc.integer({ min: 0, max: 5 }),
    start: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ x, mode, offloadMode, replacedModel, adoptionCurve, powerSource, years, rampYears, start }) => {
    const d = defaultInputs();
    // demand growth up to 100x a year over 8 years overflows nothing but makes sums meaningless; keep it to +-90%..+200%
    const demandGrowth = Math.min(Math.max(x.demandGrowth as number, -0.9), 2);
    return { ...d, ...x, demandGrowth, mode, offloadMode, replacedModel, adoptionCurve, powerSource, year: d.baseYear + years, rampYears, offloadShareStart: start } as TcoInputs;
  });

const withShare = (i: TcoInputs, s: number): TcoInputs => ({ ...i, offloadMode: "direct", rampYears: 0, offloadShare: s });

describe("TCO v3: the Tirias preset with its sourced fleet figure", () => {
  it("keeps $15.2B and 800 MW exactly, with the fleet at 2.0 J IT (2.4 facility) and the replaced model = fleet (r = 1)", () => {
    const i = tiriasPreset();
    expect(i.fleetItJPerToken * i.pue).toBeCloseTo(2.4, 12);
    expect(i.replacedModel).toBe("fleet");
    const r = evaluate(i);
    expect(r.dc.costAvoidedLongRunUsd).toBeCloseTo(15.2e9, -3);
    expect(r.dc.avgPowerAvoidedMw).toBeCloseTo(800, 9);
    expect(r.baselineShareAvoided).toBeCloseTo(0.2, 12);
    // T = 4000 MW x 8760 h x 3.6e9 J/MWh / 2.4 J = 5.256e16 tokens; 20% on 3e9 devices = 9,600 tokens a day
    expect(r.tokensPerYear).toBeCloseTo(5.256e16, -6);
    expect(r.perDevice.tokensPerDay).toBeCloseTo(9600, 6);
    // 9,600 x 0.93 J = 2.48 Wh = 12.9% of 19.25 Wh; 9,600 / 6 tokens/s = 26.7 minutes
    const f = feasibility(i, r);
    expect(f.batteryShare).toBeCloseTo(2.48 / 19.25, 9);
    expect(f.generationMinutesPerDay).toBeCloseTo(9600 / 6 / 60, 9);
    expect(f.level).toBe("feasible");
    // net energy: 800 MW x 8760 h = 7.008 TWh avoided; devices 1.0512e16 x 0.93 J / 0.85 / 3.6e9 = 3.1949 TWh at the wall
    expect(r.net.energySavedMwh).toBeCloseTo(7_008_000 - (1.0512e16 * 0.93) / 0.85 / 3.6e9, 0);
  });

  it("the v2 preset's volume (fleet = the small replaced model, 0.27 J IT) is infeasible: 71,111 tokens and 95% of a battery a day", () => {
    const i = { ...tiriasPreset(), fleetItJPerToken: 0.27 };
    const r = evaluate(i);
    expect(r.dc.costAvoidedLongRunUsd).toBeCloseTo(15.2e9, -3); // r = 1 still: the claim holds, the volume does not
    const f = feasibility(i, r);
    expect(f.tokensPerDeviceDay).toBeCloseTo(71_111.1, 0);
    expect(f.batteryShare).toBeCloseTo(0.9543, 4);
    expect(f.level).toBe("infeasible");
    expect(f.checks.find((c) => c.key === "battery")!.level).toBe("infeasible");
    expect(f.checks.find((c) => c.key === "generation")!.level).toBe("infeasible"); // 197.5 minutes
  });

  it("feasibility levels follow the limits, and a horizon is as feasible as its worst year", () => {
    const i = tiriasPreset();
    const at = (share: number) => feasibility(i, evaluate({ ...i, offloadShare: share, offloadShareStart: share }));
    // battery share is linear in the offload share: 12.88% at 0.2
    expect(at(0.2 * (0.24 / 0.1288)).level).toBe("feasible"); // 24%: under both limits (53 min)
    expect(at(0.2 * (0.3 / 0.1288)).level).toBe("strained"); // 30%: over a quarter (62 min)
    expect(at(0.2 * (0.51 / 0.1288)).level).toBe("infeasible");
    expect(FEASIBILITY_LIMITS.batteryShare.infeasibleAbove).toBe(0.5);
    // the sustained speed is thermally bound: as J/token falls 15% a year, tokens/s rise by 1/0.85 and the power stays
    const later = { ...i, year: 2030, deviceEfficiencyGain: 0.15 };
    const fl = feasibility(later, evaluate(later));
    expect(fl.generationMinutesPerDay).toBeCloseTo((9600 * 1.5 ** 2 * 0.85 ** 2) / 6 / 60, 9);
    expect(fl.powerWhileGeneratingW).toBeCloseTo(0.93 * 6, 12);
    // demand growing 50% a year with no efficiency gain outgrows the devices within the horizon
    const grow = { ...i, demandGrowth: 0.5, dcEfficiencyGain: 0, deviceEfficiencyGain: 0, horizonYears: 8 };
    const w = worstFeasibility(grow, horizon(grow).results)!;
    expect(w.level).toBe("infeasible");
    expect(w.year).toBeGreaterThan(2028);
  });
});

describe("TCO v3 invariants over the whole input space (fast-check)", () => {
  it("bounded: the work moved never exceeds the baseline's, in energy, power or dollars", () => {
    fc.assert(
      fc.property(anyInputs, (i) => {
        const r = evaluate(i);
        const tol = 1e-9 * Math.max(1, r.baseline.energyMwh);
        return (
          r.baselineShareAvoided >= 0 &&
          r.baselineShareAvoided <= 1 &&
          r.dc.energyAvoidedMwh <= r.baseline.energyMwh + tol &&
          r.dc.costAvoidedLongRunUsd <= r.baseline.costUsd * (1 + 1e-12) + 1e-6 &&
          r.device.tokensPerYear <= r.tokensPerYear * (1 + 1e-12)
        );
      }),
      { numRuns: 1000 },
    );
  });

  it("the v2 counter-example is capped: replaced 2.0 J IT, PUE 1.58, fleet 0.27 J IT no longer avoids $126.8B of a $76B baseline", () => {
    const i = { ...defaultInputs(), dcItJPerToken: 2.0, pue: 1.58, fleetItJPerToken: 0.27 };
    const r = evaluate(i);
    expect(r.replacedCapped).toBe(true);
    expect(r.dc.costAvoidedLongRunUsd).toBeCloseTo(76e9, -3);
    expect(r.dc.avgPowerAvoidedMw).toBeCloseTo(4000, 6);
  });

  it("zero offload has zero effect on every output", () => {
    fc.assert(
      fc.property(anyInputs, (i) => {
        const r = evaluate({ ...withShare(i, 0), offloadShareStart: 0 });
        return [r.dc.energyAvoidedMwh, r.dc.costAvoidedLongRunUsd, r.dc.carbonAvoidedT, r.dc.waterAvoidedM3, r.device.energyAddedMwh, r.device.upgradesUsd, r.net.usd, r.net.carbonSavedT, r.net.usdWithCarbon, r.whoPays.societyShortRunUsd].every((v) => v === 0);
      }),
      { numRuns: 500 },
    );
  });

  it("monotonic in the share: more offload avoids no less in the data center and adds no less on the devices", () => {
    fc.assert(
      fc.property(anyInputs, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (i, s1, s2) => {
        const [lo, hi] = s1 < s2 ? [s1, s2] : [s2, s1];
        const a = evaluate(withShare(i, lo));
        const b = evaluate(withShare(i, hi));
        const ok = (x: number, y: number) => y >= x - 1e-9 * Math.max(1, Math.abs(x));
        return ok(a.dc.energyAvoidedMwh, b.dc.energyAvoidedMwh) && ok(a.dc.costAvoidedLongRunUsd, b.dc.costAvoidedLongRunUsd) && ok(a.device.energyAddedMwh, b.device.energyAddedMwh) && ok(-a.whoPays.users.usd, -b.whoPays.users.usd);
      }),
      { numRuns: 500 },
    );
  });

  it("upgrades on the adoption curve: m = max(0, s - A_y) is 0 without offload, never negative, at most 1 - A_y, and no curve charges more than 'none'", () => {
    fc.assert(
      fc.property(anyInputs, (i) => {
        const r = evaluate(i);
        const a = capableSalesShare(i.adoptionCurve, i.year);
        const m = r.device.attributedPurchaseShare;
        const none = evaluate({ ...i, adoptionCurve: "none" });
        const zero = evaluate({ ...withShare(i, 0), offloadShareStart: 0 }).device;
        return (
          m >= 0 &&
          m <= 1 - a + 1e-15 &&
          Math.abs(m - Math.max(0, r.offloadShare - a)) <= 1e-15 &&
          r.device.upgradesUsd >= 0 &&
          r.device.carbonEmbodiedT >= 0 &&
          r.device.upgradesUsd <= none.device.upgradesUsd * (1 + 1e-12) &&
          r.device.carbonEmbodiedT <= none.device.carbonEmbodiedT * (1 + 1e-12) &&
          zero.upgradesUsd === 0 &&
          zero.carbonEmbodiedT === 0
        );
      }),
      { numRuns: 500 },
    );
  });

  it("a mains device has no battery: no wear, no battery check; a battery device keeps both", () => {
    fc.assert(
      fc.property(anyInputs, (i) => {
        const mains = { ...i, powerSource: "mains" as const };
        const rm = evaluate(mains);
        const rb = evaluate({ ...i, powerSource: "battery" });
        const keys = (f: ReturnType<typeof feasibility>) => f.checks.map((c) => c.key).join(",");
        return rm.device.batteryWearUsd === 0 && rm.perDevice.batteryShare === 0 && keys(feasibility(mains, rm)) === "generation" && keys(feasibility({ ...i, powerSource: "battery" }, rb)) === "battery,generation";
      }),
      { numRuns: 300 },
    );
  });

  it("units: MWh = average MW x 8760 h, IT MW = provisioned / PUE, wall = battery / eta, Wh per device-day from MWh, all finite", () => {
    fc.assert(
      fc.property(anyInputs, (i) => {
        const r = evaluate(i);
        const close = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
        return (
          close(r.dc.energyAvoidedMwh, r.dc.avgPowerAvoidedMw * 8760) &&
          close(r.dc.provisionedItAvoidedMw, (r.dc.avgPowerAvoidedMw * i.peakToAverage) / i.pue) &&
          close(r.device.energyAddedMwh, r.device.batteryEnergyMwh / i.chargingEfficiency) &&
          close(r.perDevice.batteryWhPerDay, (r.device.batteryEnergyMwh * 1e6) / r.perDevice.devices / 365) &&
          [r.net.energySavedMwh, r.net.usd, r.net.carbonSavedT, r.dc.costAvoidedShortRunUsd].every(Number.isFinite)
        );
      }),
      { numRuns: 500 },
    );
  });

  it("PUE multiplies both the fleet and the replaced model: it changes the token volume, not the share of the baseline avoided", () => {
    fc.assert(
      fc.property(anyInputs, fc.double({ min: 1, max: 3, noNaN: true }), (i, pue) => {
        const a = evaluate({ ...i, mode: "topDown" });
        const b = evaluate({ ...i, mode: "topDown", pue });
        return Math.abs(a.baselineShareAvoided - b.baselineShareAvoided) < 1e-12 && Math.abs(a.dc.avgPowerAvoidedMw - b.dc.avgPowerAvoidedMw) <= 1e-9 * Math.max(1, a.dc.avgPowerAvoidedMw);
      }),
      { numRuns: 300 },
    );
  });
});

describe("TCO v3 Monte Carlo keeps the model's identities", () => {
  const metrics = Object.keys(METRICS) as MetricKey[];

  it("Tirias: the replaced model stays the fleet in every draw, so DC cost and power are exactly the headline; every point lies inside P10-P90", () => {
    const i = tiriasPreset();
    const mc = monteCarlo(i, 4000, 1);
    expect(mc.dcCostAvoidedUsd.p10).toBeCloseTo(15.2e9, -3);
    expect(mc.dcCostAvoidedUsd.p90).toBeCloseTo(15.2e9, -3);
    expect(mc.dcPowerAvoidedMw.p50).toBeCloseTo(800, 6);
    const r = evaluate(i);
    for (const m of metrics) {
      const point = METRICS[m](r);
      const tol = 1e-9 * Math.abs(point);
      expect(point, m).toBeGreaterThanOrEqual(mc[m].p10 - tol);
      expect(point, m).toBeLessThanOrEqual(mc[m].p90 + tol);
    }
  });

  it("a replaced model other than the fleet keeps its ratio r in every draw: DC power is fixed by the levers", () => {
    const i = { ...defaultInputs(), dcItJPerToken: 0.27 };
    const mc = monteCarlo(i, 2000, 3);
    expect(mc.dcPowerAvoidedMw.p10).toBeCloseTo(evaluate(i).dc.avgPowerAvoidedMw, 6);
    expect(mc.dcPowerAvoidedMw.p90).toBeCloseTo(evaluate(i).dc.avgPowerAvoidedMw, 6);
    expect(sampledKeys()).not.toContain("dcItJPerToken");
    for (const k of ["offloadShare", "cloudFallbackRate", "onDeviceFraction", "dcCostUsd"] as const) expect(LEVER_KEYS).toContain(k);
  });

  it("with every range symmetric around its chosen value, P50 is within a few percent of the point and the point inside P10-P90", () => {
    for (const base of [defaultInputs(), tiriasPreset(), { ...defaultInputs(), mode: "bottomUp" as const }]) {
      const sym = { ...base };
      for (const k of sampledKeys()) sym[k] = (ASSUMPTIONS[k].low + ASSUMPTIONS[k].high) / 2;
      for (const k of sampledKeys()) {
        const [lo, hi] = rangeOf(k, sym[k]);
        expect(sym[k] - lo).toBeCloseTo(hi - sym[k], 9);
      }
      const mc = monteCarlo(sym, 10_000, 1);
      const r = evaluate(sym);
      for (const m of metrics) {
        const point = METRICS[m](r);
        const spread = mc[m].p90 - mc[m].p10;
        // within 5% of the point, or of the P10-P90 spread where the point is near 0 (net figures)
        expect(Math.abs(mc[m].p50 - point), `${m}: P50 ${mc[m].p50} vs point ${point}`).toBeLessThanOrEqual(0.05 * Math.max(Math.abs(point), spread));
        expect(point).toBeGreaterThanOrEqual(mc[m].p10);
        expect(point).toBeLessThanOrEqual(mc[m].p90);
      }
    }
  });

  it("the median note names the input that moves the median, not 'asymmetric ranges' in general", () => {
    const i = defaultInputs();
    const mc = monteCarlo(i, 4000, 1);
    const note = medianNote(i, "netEnergySavedMwh", mc.netEnergySavedMwh, "net energy");
    expect(note).toMatch(/Device energy per token \(battery side\) \(chosen 0\.93, median of its draws 1\.29/);
    expect(note).not.toMatch(/e\+\d/);
    expect(note).not.toMatch(/\bit energy\b/);
  });

  it("a dollar tornado ranks the money inputs: battery wear leads; upgrades only where the market's AI-capable devices do not cover the offload", () => {
    const bars = tornado(defaultInputs(), "netUsd", 6).map((b) => b.key);
    expect(bars).toContain("batteryWearMarginalShare");
    // defaults: 20% offload in 2028, when IDC has 70% of phones sold AI-capable anyway: no upgrade is charged
    expect(bars).not.toContain("aiUpgradeShare");
    expect(tornado({ ...defaultInputs(), adoptionCurve: "none" }, "netUsd", 6).map((b) => b.key)).toContain("aiUpgradeShare");
  });
});

describe("TCO v3 money and meaning", () => {
  it("battery wear is the marginal share of a service price over the cycle life's energy", () => {
    // $99 / (1,000 cycles x 0.01925 kWh) = $5.14 per kWh; half of it marginal
    expect(batteryWearUsdPerKwh(defaultInputs())).toBeCloseTo((99 / (1000 * 0.01925)) * 0.5, 12);
    expect(evaluate({ ...defaultInputs(), batteryWearMarginalShare: 0 }).device.batteryWearUsd).toBe(0);
  });

  it("who pays: the operator's short run (energy bill) beside its long run; the carbon price enters society's dollars", () => {
    const i = { ...tiriasPreset(), carbonPriceUsdPerT: 100 };
    const r = evaluate(i);
    expect(r.whoPays.operatorShortRunUsd).toBeCloseTo(7_008_000 * 1000 * 0.08, 0); // $560.6M
    expect(r.whoPays.societyShortRunUsd).toBeCloseTo(r.whoPays.operatorShortRunUsd + r.whoPays.users.usd, 0);
    expect(r.net.usdWithCarbon).toBeCloseTo(r.net.usd + 100 * r.net.carbonSavedT, 0);
    const h = horizon(i);
    expect(h.npvOperatorShortRunUsd).toBeLessThan(h.npvOperatorUsd);
  });

  it("valuation: NPV discounted at the start, middle or end of each year; electricity prices escalate on both sides", () => {
    const i = { ...tiriasPreset(), horizonYears: 3, demandGrowth: 0, dcEfficiencyGain: 0, deviceEfficiencyGain: 0, discountRate: 0.1 };
    const x = evaluate(i).whoPays.society.usd;
    const sum = (o: number) => [0, 1, 2].reduce((a, k) => a + x / 1.1 ** (k + o), 0);
    expect(horizon(i).npvNetUsd).toBeCloseTo(sum(0), 0);
    expect(horizon({ ...i, discounting: "mid" }).npvNetUsd).toBeCloseTo(sum(0.5), 0);
    expect(horizon({ ...i, discounting: "end" }).npvNetUsd).toBeCloseTo(sum(1), 0);
    const e0 = evaluate({ ...i, year: 2030 });
    const e2 = evaluate({ ...i, year: 2030, priceEscalation: 0.03 });
    expect(e2.dc.costAvoidedShortRunUsd / e0.dc.costAvoidedShortRunUsd).toBeCloseTo(1.03 ** 2, 12);
    expect(e2.device.electricityUsd / e0.device.electricityUsd).toBeCloseTo(1.03 ** 2, 12);
    expect(e2.dc.costAvoidedLongRunUsd).toBe(e0.dc.costAvoidedLongRunUsd); // top-down: the baseline's own cost
  });

  it("$ per million tokens on both sides", () => {
    const r = evaluate(tiriasPreset());
    expect(r.usdPerMTokens.dc).toBeCloseTo((15.2e9 / r.device.tokensPerYear) * 1e6, 9);
    expect(r.usdPerMTokens.device).toBeCloseTo((-r.whoPays.users.usd / r.device.tokensPerYear) * 1e6, 9);
  });

  it("coverage mode does not apply the escalation rate a second time", () => {
    const i = { ...defaultInputs(), offloadMode: "coverage" as const, onDeviceFraction: 1, smallModelCoverage: 0.713, capableDeviceShare: 0.5 };
    expect(evaluate(i).effectiveDcShare).toBeCloseTo(0.3565, 12);
    expect(effectiveDcShare({ ...i, offloadShare: 0.3565, offloadMode: "direct" })).toBeCloseTo(0.3565 * 0.95, 12);
  });

  it("a device class sets J/token, speed and battery together from its sources, and leaves unsourced inputs as they are", () => {
    const d = { ...defaultInputs(), smallModelCoverage: 0.5, batteryWh: 50 };
    const l = withDeviceClass(d, "laptop");
    expect(l).toMatchObject({ deviceJPerToken: 0.26, deviceTokensPerSec: 131.7, smallModelCoverage: 0.5, batteryWh: 50 });
    expect(withDeviceClass(d, "phone")).toMatchObject({ deviceJPerToken: 0.93, deviceTokensPerSec: 6, batteryWh: 19.25, smallModelCoverage: 0.5 });
    expect(validateInputs(l).ok).toBe(true);
  });

  it("no shipped source says VERIFY", () => {
    for (const k of ASSUMPTION_KEYS) expect(ASSUMPTIONS[k].source).not.toMatch(/VERIFY/);
  });
});

describe("TCO v3 report, CSV and share link", () => {
  it("the verdict sentence says feasible figures plainly and withholds infeasible ones", async () => {
    const { verdict } = await import("../../lib/core/tco/verdict");
    const t = tiriasPreset();
    const r = evaluate(t);
    expect(verdict(t, r, feasibility(t, r))).toMatch(/^Moving 20% of GenAI inference onto 3 billion devices in 2028 avoids \$15\.2B a year and 800 MW in the data center \(\$560\.6M in the short run\); counting the devices it saves 3\.81 TWh of energy/);
    const bad = { ...t, fleetItJPerToken: 0.27 };
    const rb = evaluate(bad);
    expect(verdict(bad, rb, feasibility(bad, rb))).toMatch(/^Not feasible as entered: .*71,111 tokens, 95% of a battery and 198 minutes .*withheld/);
  });

  it("the CSV holds every input with its unit and source, and one row per year of the chosen horizon", async () => {
    const { scenarioCsv } = await import("../../lib/core/tco/export");
    const i = { ...tiriasPreset(), horizonYears: 3 };
    const csv = scenarioCsv("Board deck", i, horizon(i), new Date("2026-12-05T00:00:00Z"));
    expect(csv).toContain("horizon,2028-2030 (3 years)");
    for (const k of ASSUMPTION_KEYS) expect(csv).toMatch(new RegExp(`\\r\\n${k},`));
    expect(csv).toMatch(/\r\nreplacedModel,fleet,/);
    const years = csv.split("\r\n").filter((l) => /^20\d\d,/.test(l));
    expect(years.map((l) => l.slice(0, 4))).toEqual(["2028", "2029", "2030"]);
    expect(years[0]).toMatch(/^2028,0\.2,10512000000000000,15200000000,/);
  });

  it("a share link's signature is the owner's: right id and signature pass, anything else does not", async () => {
    const { shareSignature, validShareLink } = await import("../../lib/server/http/owner-access");
    const id = "0b7d6c2e-1f2a-4b3c-8d4e-5f6a7b8c9d0e";
    const sig = shareSignature("cred-a", id);
    expect(validShareLink(`/tco/shared/${id}`, new URLSearchParams({ sig }), "cred-a")).toBe(true);
    expect(validShareLink(`/tco/shared/${id}`, new URLSearchParams({ sig }), "cred-b")).toBe(false);
    expect(validShareLink(`/tco/shared/${id.replace("0b", "0c")}`, new URLSearchParams({ sig }), "cred-a")).toBe(false);
    expect(validShareLink(`/tco/shared/${id}`, new URLSearchParams(), "cred-a")).toBe(false);
    expect(validShareLink(`/tco/shared/${id}/x`, new URLSearchParams({ sig }), "cred-a")).toBe(false);
  });
});
