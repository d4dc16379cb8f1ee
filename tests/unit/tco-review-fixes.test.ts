/**
 * The TCO review's open findings (shared/reviews/tco.md): failed device attempts charged (N7), the
 * break-even at zero offload (N16), long run below short run (top-down), regions that keep inputs
 * (N14), plain decimals only (N15), the DC helper's overhead by scope (N12). Each with a case that
 * must pass and one that must fail or change.
 */
import fc from "fast-check";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BreakEvens } from "../../app/tco/break-evens";
import { DcEnergyHelper } from "../../app/tco/dc-energy-helper";
import { DeviceCharged, Headline } from "../../app/tco/headline";
import { ASSUMPTIONS, ASSUMPTION_KEYS } from "../../lib/core/tco/assumptions";
import { CLOUD_MODELS, curveJPerToken, defaultServerOverhead, overheadScope, SERVER_OVERHEAD } from "../../lib/core/tco/dc-energy";
import { feasibility } from "../../lib/core/tco/feasibility";
import { energyBillUsd, inputsFromSearchParams, inputsToSearchParams, isPlainDecimal, validateInputs } from "../../lib/core/tco/inputs";
import { breakEvens, defaultInputs, escalatedShare, evaluate, type TcoInputs } from "../../lib/core/tco/model";
import { REGIONS, regionKeeps, tiriasPreset, withRegion } from "../../lib/core/tco/presets";
import type { MeasuredBatchCurve } from "../../lib/server/read/batch-curve";

/** Top-down, small enough to compute by hand: T = 1000 MW x 8760 h x 3.6e9 J/MWh / 2.4 J = 1.314e16 tokens; r = 0.36 / 2.4 = 0.15. */
const hand = (): TcoInputs => ({
  ...defaultInputs(),
  mode: "topDown",
  dcPowerMw: 1000,
  dcCostUsd: 10e9,
  fleetItJPerToken: 2.0,
  dcItJPerToken: 0.3,
  pue: 1.2,
  offloadShare: 0.5,
  offloadShareStart: 0.5,
  onDeviceFraction: 1,
  cloudFallbackRate: 0.2,
  demandGrowth: 0,
  devices: 1e9,
  deviceJPerToken: 1,
  chargingEfficiency: 0.8,
});

const html = (el: Parameters<typeof renderToStaticMarkup>[0]) => renderToStaticMarkup(el).replace(/<!-- -->/g, "");

describe("failed device attempts are charged to the devices (N7)", () => {
  it("hand-computed: s f rho of the tokens run on the device before the data center serves them again", () => {
    const r = evaluate(hand());
    // e = 0.5 x 1 x (1 - 0.2) = 0.4 moved; 0.5 x 1 x 0.2 = 0.1 tried, then escalated
    expect(r.effectiveDcShare).toBeCloseTo(0.4, 12);
    expect(r.device.tokensPerYear).toBeCloseTo(0.4 * 1.314e16, -3);
    expect(r.device.escalatedTokensPerYear).toBeCloseTo(0.1 * 1.314e16, -3);
    // the data center avoids only what moved: 0.4 x 1000 MW x 8760 h x 0.15
    expect(r.dc.energyAvoidedMwh).toBeCloseTo(525_600, 4);
    // the devices ran 0.5 x 1.314e16 tokens x 1 J = 1,825,000 MWh at the battery, not 0.4 x ... = 1,460,000
    expect(r.device.batteryEnergyMwh).toBeCloseTo(1_825_000, 3);
    expect(r.device.batteryEnergyMwh).not.toBeCloseTo(1_460_000, 0);
    expect(r.device.energyAddedMwh).toBeCloseTo(1_825_000 / 0.8, 3);
    // per device per day: what the devices generate, moved and tried alike (feasibility counts both)
    expect(r.perDevice.tokensPerDay).toBeCloseTo((0.5 * 1.314e16) / 1e9 / 365, 6);
    // $ per million tokens stay per token moved
    expect(r.usdPerMTokens.device).toBeCloseTo((-r.whoPays.users.usd / r.device.tokensPerYear) * 1e6, 9);
  });

  it("no fallback, no attempt charged; coverage mode charges none (its uncovered queries go straight to the data center)", () => {
    const none = evaluate({ ...hand(), cloudFallbackRate: 0 });
    expect(none.device.escalatedTokensPerYear).toBe(0);
    expect(none.device.batteryEnergyMwh).toBeCloseTo(0.5 * 1.314e16 / 3.6e9, 3);
    const cov = evaluate({ ...hand(), offloadMode: "coverage", smallModelCoverage: 0.713, capableDeviceShare: 0.5 });
    expect(cov.device.escalatedTokensPerYear).toBe(0);
    expect(cov.device.batteryEnergyMwh).toBeCloseTo((cov.device.tokensPerYear * 1) / 3.6e9, 3);
    expect(escalatedShare({ offloadShare: 0.5, onDeviceFraction: 0.7, cloudFallbackRate: 0.1 })).toBeCloseTo(0.035, 12);
    expect(escalatedShare({ offloadShare: 0.5, onDeviceFraction: 0.7, cloudFallbackRate: 0.1, offloadMode: "coverage" })).toBe(0);
  });

  it("every request escalated: the data center avoids nothing, the devices still spend energy, and the energy break-even is 0", () => {
    const i = { ...hand(), cloudFallbackRate: 1 };
    const r = evaluate(i);
    expect(r.dc.energyAvoidedMwh).toBe(0);
    expect(r.device.batteryEnergyMwh).toBeGreaterThan(0);
    expect(r.net.energySavedMwh).toBeLessThan(0);
    expect(breakEvens(i)).toMatchObject({ energyBatteryJPerToken: 0, basis: "share" });
  });

  it("the devices' battery energy is (moved + tried) x J/token x k_dev, for any inputs (property)", () => {
    const arb = fc.record(Object.fromEntries(ASSUMPTION_KEYS.map((k) => [k, fc.double({ min: ASSUMPTIONS[k].low, max: ASSUMPTIONS[k].high, noNaN: true })])));
    fc.assert(
      fc.property(arb, fc.constantFrom("topDown" as const, "bottomUp" as const), fc.constantFrom("direct" as const, "coverage" as const), fc.integer({ min: 0, max: 5 }), (x, mode, offloadMode, years) => {
        const d = defaultInputs();
        const i = { ...d, ...x, mode, offloadMode, year: d.baseYear + years } as TcoInputs;
        const r = evaluate(i);
        const kDev = (1 - i.deviceEfficiencyGain) ** years;
        const want = ((r.device.tokensPerYear + r.device.escalatedTokensPerYear) * i.deviceJPerToken * kDev) / 3.6e9;
        const attempts = offloadMode === "coverage" ? 0 : r.offloadShare * i.onDeviceFraction * i.cloudFallbackRate * r.tokensPerYear;
        return Math.abs(r.device.batteryEnergyMwh - want) <= 1e-9 * Math.max(1, want) && Math.abs(r.device.escalatedTokensPerYear - attempts) <= 1e-9 * Math.max(1, attempts);
      }),
      { numRuns: 300 },
    );
  });

  it("the page says what the devices are charged for, in each mode", () => {
    const i = hand();
    const direct = html(createElement(DeviceCharged, { inputs: i, r: evaluate(i) }));
    expect(direct).toMatch(/charged, at 1 J\/token battery side in 2028, for the 5,256 trillion tokens a year they serve instead of the data center, and 1,314 trillion tokens of requests tried on the devices and then escalated/);
    expect(direct).toMatch(/20% of the on-device requests/);
    const cov = { ...i, offloadMode: "coverage" as const };
    const c = html(createElement(DeviceCharged, { inputs: cov, r: evaluate(cov) }));
    expect(c).toMatch(/no failed attempt is charged/);
    expect(c).not.toMatch(/tried on the devices and then escalated/);
  });
});

describe("break-evens at zero offload (N16)", () => {
  it("zero offload gives the first tokens' break-evens, equal to those of any small share, not null", () => {
    const zero = { ...defaultInputs(), offloadShare: 0, offloadShareStart: 0 };
    const b0 = breakEvens(zero);
    const b = breakEvens({ ...defaultInputs(), offloadShare: 0.2 });
    expect(b0.basis).toBe("first-tokens");
    expect(b.basis).toBe("share");
    expect(b0.energyBatteryJPerToken).not.toBeNull();
    // defaults: j_rep PUE eta x e / (e + attempts) = 0.27 x 1.2 x 0.85 x 0.169 / 0.176
    expect(b0.energyBatteryJPerToken!).toBeCloseTo((0.27 * 1.2 * 0.85 * 0.169) / 0.176, 9);
    expect(b0.energyBatteryJPerToken!).toBeCloseTo(b.energyBatteryJPerToken!, 9);
    expect(b0.energyWallJPerToken!).toBeCloseTo(b.energyWallJPerToken!, 9);
    expect(b0.carbonBatteryJPerToken!).toBeCloseTo(b.carbonBatteryJPerToken!, 9);
    // the figure is a real break-even: at that J/token a positive share saves no net energy
    expect(evaluate({ ...defaultInputs(), deviceJPerToken: b0.energyBatteryJPerToken! }).net.energySavedMwh).toBeCloseTo(0, 3);
  });

  it("coverage mode at zero coverage uses its own routing (no escalation charged)", () => {
    const cov = { ...defaultInputs(), offloadMode: "coverage" as const };
    const b0 = breakEvens({ ...cov, capableDeviceShare: 0 });
    expect(b0.basis).toBe("first-tokens");
    expect(b0.energyBatteryJPerToken!).toBeCloseTo(breakEvens(cov).energyBatteryJPerToken!, 9);
    expect(b0.energyBatteryJPerToken!).toBeCloseTo(0.27 * 1.2 * 0.85, 9); // nothing tried: j_rep PUE eta
  });

  it("a routing that moves nothing to the devices has no break-even, and says so", () => {
    const i = { ...defaultInputs(), onDeviceFraction: 0, hybridDcFraction: 1 };
    expect(breakEvens(i)).toEqual({ energyBatteryJPerToken: null, energyWallJPerToken: null, carbonBatteryJPerToken: null, basis: "nothing-moved" });
    expect(breakEvens({ ...i, offloadShare: 0, offloadShareStart: 0 }).basis).toBe("nothing-moved");
  });

  it("the page says which basis it shows", () => {
    const zero = { ...defaultInputs(), offloadShare: 0, offloadShareStart: 0 };
    expect(html(createElement(BreakEvens, { be: breakEvens(zero), inputs: zero }))).toMatch(/No offload in this year: these are the break-evens of the first tokens moved[\s\S]*battery side: <strong>0\.26/);
    const none = { ...defaultInputs(), onDeviceFraction: 0, hybridDcFraction: 1 };
    expect(html(createElement(BreakEvens, { be: breakEvens(none), inputs: none }))).toMatch(/No break-even: the routing moves no work to the devices/);
    const d = defaultInputs();
    expect(html(createElement(BreakEvens, { be: breakEvens(d), inputs: d }))).not.toMatch(/break-evens-basis/);
  });
});

describe("the long run never below the short run (top-down)", () => {
  it("a top-down baseline cost below its own electricity bill is refused on the cost field", () => {
    // the review's probe: $1B of cost for 4,000 MW at $0.08/kWh ($2.80B of electricity)
    const bad = validateInputs({ ...defaultInputs(), dcCostUsd: 1e9 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.dcCostUsd).toMatch(/GenAI data-center cost in the base year: \$1B is below its own electricity bill, \$2\.8B \(4,000 MW x 8,760 h x \$0\.08\/kWh\)/);
    expect(energyBillUsd(defaultInputs())).toBeCloseTo(4000 * 8760 * 1000 * 0.08, 3);
    // at the bill exactly, or in bottom-up (which does not use the cost), it is valid
    expect(validateInputs({ ...defaultInputs(), dcCostUsd: energyBillUsd(defaultInputs()) }).ok).toBe(true);
    expect(validateInputs({ ...defaultInputs(), dcCostUsd: 1e9, mode: "bottomUp" }).ok).toBe(true);
    expect(validateInputs(defaultInputs()).ok).toBe(true);
    expect(validateInputs(tiriasPreset()).ok).toBe(true);
    // from a URL too
    expect(inputsFromSearchParams(new URLSearchParams("dcCostUsd=1000000000")).ok).toBe(false);
  });

  it("valid inputs keep long >= short in the base year; a later year with escalating prices is flagged and the page says so", () => {
    const i = { ...defaultInputs(), dcCostUsd: 3e9, priceEscalation: 0.1, horizonYears: 5 };
    expect(validateInputs(i).ok).toBe(true);
    const base = evaluate(i);
    expect(base.longRunBelowShortRun).toBe(false);
    expect(base.dc.costAvoidedLongRunUsd).toBeGreaterThanOrEqual(base.dc.costAvoidedShortRunUsd);
    const later = evaluate({ ...i, year: 2030 }); // bill x 1.1^2 = $3.39B > $3B
    expect(later.longRunBelowShortRun).toBe(true);
    expect(later.dc.costAvoidedLongRunUsd).toBeLessThan(later.dc.costAvoidedShortRunUsd);
    const f = feasibility(i, later);
    expect(html(createElement(Headline, { inputs: { ...i, year: 2030 }, r: later, f }))).toMatch(/data-testid="long-below-short"[^>]*>In 2030 the long-run cost avoided/);
    expect(html(createElement(Headline, { inputs: i, r: base, f: feasibility(i, base) }))).not.toMatch(/long-below-short/);
  });

  it("never flagged in bottom-up, where the long run is the energy plus the capacity (property)", () => {
    const arb = fc.record(Object.fromEntries(ASSUMPTION_KEYS.map((k) => [k, fc.double({ min: ASSUMPTIONS[k].min, max: ASSUMPTIONS[k].max, noNaN: true })])));
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 8 }), (x, years) => {
        const d = defaultInputs();
        return !evaluate({ ...d, ...x, mode: "bottomUp", year: d.baseYear + years } as TcoInputs).longRunBelowShortRun;
      }),
      { numRuns: 300 },
    );
  });
});

describe("regions say what they keep (N14)", () => {
  it("the default data center pairs the US grid and price with US generation water", () => {
    const d = defaultInputs();
    expect(d.dcGridGPerKwh).toBe(REGIONS.us.gridGPerKwh);
    expect(d.dcElectricityUsdPerKwh).toBe(REGIONS.us.dcUsdPerKwh);
    expect(d.generationWaterLPerKwh).toBe(REGIONS.us.generationWaterLPerKwh);
    expect(d.generationWaterLPerKwh).not.toBe(REGIONS.world.generationWaterLPerKwh);
    expect(ASSUMPTIONS.generationWaterLPerKwh.source).toMatch(/US 3\.13, world 3\.91/);
  });

  it("EU-27 sets its sourced grid, and names the data-center price and water it keeps, unsourced", () => {
    const d = defaultInputs();
    const eu = withRegion(d, "dc", "eu27");
    expect(eu).toMatchObject({ dcGridGPerKwh: 244, dcElectricityUsdPerKwh: 0.08, generationWaterLPerKwh: 3.13 });
    expect(regionKeeps(d, "dc", "eu27")).toEqual([
      "Water consumed generating data-center electricity kept at 3.13 L/kWh (the United States figure): no EU-27 figure sourced",
      "Data-center electricity price kept at 0.08 USD/kWh (the United States figure): no EU-27 figure sourced",
    ]);
    // the users' side has a sourced EU price (Eurostat): only the water is kept
    expect(regionKeeps(d, "users", "eu27")).toEqual(["Water consumed generating users' electricity kept at 3.91 L/kWh (the World average figure): no EU-27 figure sourced"]);
    // a region with every figure sourced keeps nothing
    expect(regionKeeps(d, "dc", "us")).toEqual([]);
    expect(regionKeeps({ ...d, dcElectricityUsdPerKwh: 0.1 }, "dc", "world")).toEqual(["Data-center electricity price kept at 0.1 USD/kWh: no World average figure sourced"]);
  });
});

describe("TCO numbers are plain decimals (N15)", () => {
  it("accepts decimals and what String(number) writes", () => {
    for (const t of ["0.25", " 0.25 ", "-0.02", "1.5e9", "5e-7", "1E+21", ".5", "5.", "16"]) expect(isPlainDecimal(t), t).toBe(true);
    const tiny = { ...defaultInputs(), offloadShare: 5e-7, offloadShareStart: 5e-7 };
    expect(inputsToSearchParams(tiny).get("offloadShare")).toBe("5e-7");
    const back = inputsFromSearchParams(inputsToSearchParams(tiny));
    expect(back.ok && back.inputs.offloadShare).toBe(5e-7);
  });

  it("refuses hex, octal, binary, Infinity, NaN, separators and blanks with a clear message", () => {
    for (const t of ["0x10", "0o7", "0b1", "Infinity", "-Infinity", "NaN", "1,000", "1_000", "", "1e", ".", "+", "1.2.3", "12abc"]) expect(isPlainDecimal(t), t).toBe(false);
    // 0x10 = 16 MW would be in range: refused all the same, from a URL and a form
    const url = inputsFromSearchParams(new URLSearchParams("dcPowerMw=0x10"));
    expect(url.ok).toBe(false);
    if (!url.ok) expect(url.errors.dcPowerMw).toBe('GenAI data-center power in the base year: enter a number in plain decimals, such as 0.25 or 1.5e9 (not "0x10")');
    for (const v of ["Infinity", "0b1", "1e3x"]) {
      const r = validateInputs({ ...defaultInputs(), pue: v });
      expect(r.ok, v).toBe(false);
      if (!r.ok) expect(r.errors.pue).toMatch(/^Power usage effectiveness \(facility \/ IT\): enter a number in plain decimals/);
    }
    const year = validateInputs({ ...defaultInputs(), year: "0x7EC" });
    expect(!year.ok && year.errors.year).toMatch(/plain decimals/);
    // a v2 link's facility J/token is checked before it is converted
    const v2 = inputsFromSearchParams(new URLSearchParams("fleetJPerToken=0x10"));
    expect(!v2.ok && v2.errors.fleetItJPerToken).toMatch(/plain decimals/);
    const v2ok = inputsFromSearchParams(new URLSearchParams("fleetJPerToken=2.4"));
    expect(v2ok.ok && v2ok.inputs.fleetItJPerToken).toBeCloseTo(2, 12);
    // blanks keep their own message
    const blank = validateInputs({ ...defaultInputs(), pue: " " });
    expect(!blank.ok && blank.errors.pue).toMatch(/it is blank/);
  });
});

describe("the DC energy helper's server overhead follows the measured scope (N12)", () => {
  it("the overhead is the source's nameplate ratio, 10.2 kW / (8 x 700 W) = 1.82, and its note says so", () => {
    expect(SERVER_OVERHEAD.base).toBeCloseTo(1.8214, 4);
    expect(SERVER_OVERHEAD.source).toMatch(/10\.2 kW for 8 x H100 SXM at 700 W TDP = 1\.82/);
    expect(SERVER_OVERHEAD.source).not.toMatch(/1\.3/);
  });

  it("applies the overhead to a GPU-only scope only; a whole-machine scope gets none; a partial one starts at 1", () => {
    expect(overheadScope("gpu")).toBe("gpu-only");
    for (const s of ["wall", "battery"]) expect(overheadScope(s)).toBe("whole");
    for (const s of ["package+dram+gpu", "package+gpu", "dram+gpu", "soc", "package"]) expect(overheadScope(s)).toBe("partial");
    expect(defaultServerOverhead("gpu")).toBeCloseTo(1.8214, 4);
    expect(defaultServerOverhead("wall")).toBe(1);
    expect(defaultServerOverhead("package+dram+gpu")).toBe(1);
    for (const m of Object.values(CLOUD_MODELS)) expect(m.energyScope).toBe("gpu"); // the reference runs read NVML's GPU counter
  });

  it("the helper offers J/token x 1.82 for a GPU curve and x 1 (locked) for a wall curve", () => {
    const curve = (energyScope: string): MeasuredBatchCurve => ({ model: "M", quantization: "Q4_0", device: "D", backend: "cuda", energyScope, points: [[1, 8], [64, 0.5]], runs: 3, submissionIds: ["0b7d6c2e-aaaa"] });
    const render = (scope: string) => html(createElement(DcEnergyHelper, { onUse: () => {}, measuredCurves: [curve(scope)], wallJPerToken: 1.09, pue: 1.2 }));
    const overheadInput = (h: string) => h.match(/<input id="dc-overhead"[^>]*>/)![0];
    const gpu = render("gpu");
    expect(overheadInput(gpu)).toContain('value="1.82"');
    expect(overheadInput(gpu)).not.toContain("disabled");
    expect(gpu).toContain(`Use ${Number((0.5 * 1.82).toPrecision(3))} J/token (IT)`);
    expect(gpu).toMatch(/The curve is the GPU alone/);
    const wall = render("wall");
    expect(overheadInput(wall)).toContain('value="1"');
    expect(overheadInput(wall)).toContain('disabled=""');
    expect(wall).toContain("Use 0.5 J/token (IT)");
    expect(wall).toMatch(/already holds the rest of the server, so no overhead is applied/);
    const part = render("package+dram+gpu");
    expect(overheadInput(part)).toContain('value="1"');
    expect(overheadInput(part)).not.toContain("disabled");
    expect(part).toMatch(/not the network, fans, storage or power-supply losses/);
    expect(curveJPerToken(curve("gpu").points, 64)).toBeCloseTo(0.5, 12);
  });
});
