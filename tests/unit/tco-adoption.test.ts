/** TCO v3 item 4 and 5: upgrades on an adoption curve, device classes with a mains desktop. */
import { describe, expect, it } from "vitest";
import { ADOPTION_CURVES, capableSalesShare } from "../../lib/core/tco/assumptions";
import { feasibility } from "../../lib/core/tco/feasibility";
import { upgradeInputs, validateInputs } from "../../lib/core/tco/inputs";
import { attributedPurchaseShare, defaultInputs, evaluate, horizon, type TcoInputs } from "../../lib/core/tco/model";
import { DEVICE_CLASSES, tiriasPreset, withDeviceClass } from "../../lib/core/tco/presets";

/** Top-down, no hybrid, no escalation (e = s), 1e9 devices kept 4 years: 2.5e8 purchases a year. */
const base = (over: Partial<TcoInputs> = {}): TcoInputs => ({
  ...defaultInputs(),
  onDeviceFraction: 1,
  cloudFallbackRate: 0,
  devices: 1e9,
  deviceLifeYears: 4,
  aiUpgradeShare: 0.1,
  aiEmbodiedShare: 0.04,
  devicePriceUsd: 400,
  deviceEmbodiedKg: 50,
  ...over,
});

describe("the adoption curves: the forecasts' own points, interpolated between, held outside", () => {
  it("IDC phones: 19% in 2024, 70% in 2028; Canalys/IDC PCs: 18%, 40%, 60% in 2024, 2025, 2027; none: 0", () => {
    expect(capableSalesShare("phones", 2024)).toBe(0.19);
    expect(capableSalesShare("phones", 2028)).toBe(0.7);
    expect(capableSalesShare("phones", 2026)).toBeCloseTo(0.445, 12); // halfway
    expect(capableSalesShare("phones", 2020)).toBe(0.19); // held before the first point
    expect(capableSalesShare("phones", 2035)).toBe(0.7); // held after the last: no extrapolation
    expect([2024, 2025, 2026, 2027, 2030].map((y) => capableSalesShare("pcs", y))).toEqual([0.18, 0.4, 0.5, 0.6, 0.6]);
    expect(capableSalesShare("none", 2028)).toBe(0);
    for (const c of Object.values(ADOPTION_CURVES)) for (const [, a] of c.points) expect(a >= 0 && a <= 1).toBe(true);
    for (const k of ["phones", "pcs"] as const) expect(ADOPTION_CURVES[k].source).toMatch(/https:\/\//);
  });

  it("m = max(0, s - A): the market's AI-capable sales are not charged to the offload", () => {
    expect(attributedPurchaseShare(0.2, 0.7)).toBe(0);
    expect(attributedPurchaseShare(0.9, 0.7)).toBeCloseTo(0.2, 12);
    expect(attributedPurchaseShare(0, 0)).toBe(0);
    expect(attributedPurchaseShare(0.5, 0)).toBe(0.5);
  });
});

describe("upgrades and AI embodied carbon on the adoption curve", () => {
  it("a 20% offload in 2028 on phones is covered by the market (IDC 70% AI-capable): no upgrade, no AI embodied carbon", () => {
    const r = evaluate(base({ offloadShare: 0.2, adoptionCurve: "phones", year: 2028 }));
    expect(r.device.capableSalesShare).toBe(0.7);
    expect(r.device.attributedPurchaseShare).toBe(0);
    expect(r.device.upgradesUsd).toBe(0);
    expect(r.device.carbonEmbodiedT).toBe(0);
  });

  it("a 90% offload in 2028 is charged for the 20% of purchases beyond the market's 70%", () => {
    const r = evaluate(base({ offloadShare: 0.9, adoptionCurve: "phones", year: 2028 }));
    // 2.5e8 purchases x m 0.2 x upgrade share 0.1 x $400 = $2.0B; carbon 2.5e8 x 0.2 x 50 kg x (0.04 + 0.1) / 1000
    expect(r.device.attributedPurchaseShare).toBeCloseTo(0.2, 12);
    expect(r.device.upgradesUsd).toBeCloseTo(2.0e9, 0);
    expect(r.device.carbonEmbodiedT).toBeCloseTo((2.5e8 * 0.2 * 50 * 0.14) / 1000, 6);
  });

  it("with the curve None every purchase the offload needs is charged: the v2 formula (purchases x upgrade share x share x price)", () => {
    const r = evaluate(base({ offloadShare: 0.2, adoptionCurve: "none" }));
    expect(r.device.upgradesUsd).toBeCloseTo(2.5e8 * 0.1 * 0.2 * 400, 0); // $2.0B
    expect(r.device.carbonEmbodiedT).toBeCloseTo((2.5e8 * 50 * 0.14 * 0.2) / 1000, 6);
  });

  it("hybrid work needs an AI-capable device too: m follows the share moved (s), not the DC tokens that leave (e)", () => {
    const r = evaluate(base({ offloadShare: 0.5, onDeviceFraction: 0.5, hybridDcFraction: 0.4, adoptionCurve: "none" }));
    expect(r.effectiveDcShare).toBeCloseTo(0.5 * (0.5 + 0.5 * 0.6), 12);
    expect(r.device.attributedPurchaseShare).toBeCloseTo(0.5, 12);
  });

  it("by year: a constant 60% offload is charged less as the market catches up, and nothing once it passes 60%", () => {
    const i = base({ offloadShare: 0.6, offloadShareStart: 0.6, adoptionCurve: "phones", baseYear: 2025, year: 2025, horizonYears: 4 });
    const m = horizon(i).results.map((r) => r.device.attributedPurchaseShare);
    // A: 2025 0.3175, 2026 0.445, 2027 0.5725, 2028 0.70
    expect(m[0]).toBeCloseTo(0.6 - 0.3175, 12);
    expect(m[1]).toBeCloseTo(0.6 - 0.445, 12);
    expect(m[2]).toBeCloseTo(0.6 - 0.5725, 12);
    expect(m[3]).toBe(0);
    const usd = horizon(i).results.map((r) => r.device.upgradesUsd);
    for (let k = 1; k < usd.length; k++) expect(usd[k]!).toBeLessThan(usd[k - 1]!);
  });

  it("the choice is validated, exported with its source, and old scenarios keep the v2 attribution", async () => {
    expect(validateInputs({ ...defaultInputs(), adoptionCurve: "pcs" }).ok).toBe(true);
    const bad = validateInputs({ ...defaultInputs(), adoptionCurve: "idc" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.adoptionCurve).toMatch(/adoptionCurve must be one of none, phones, pcs/);
    const badPower = validateInputs({ ...defaultInputs(), powerSource: "solar" });
    expect(badPower.ok).toBe(false);
    const { adoptionCurve: _omit, ...old } = defaultInputs();
    expect(upgradeInputs(old).adoptionCurve).toBe("none");
    expect(upgradeInputs({ ...old, adoptionCurve: "pcs" }).adoptionCurve).toBe("pcs");
    const { scenarioCsv } = await import("../../lib/core/tco/export");
    const i = { ...tiriasPreset(), horizonYears: 1 };
    expect(scenarioCsv("x", i, horizon(i), new Date(0))).toMatch(/\r\nadoptionCurve,phones,,choice,"?IDC Worldwide Quarterly Mobile Phone Tracker/);
  });
});

describe("device classes: phone, laptop, desktop", () => {
  it("the desktop class sets its sourced J/token (172.7 W / 81.2 tokens/s), speed, mains power and the PC curve; coverage stays an input", () => {
    const d = { ...defaultInputs(), smallModelCoverage: 0.55, batteryWh: 19.25 };
    const k = withDeviceClass(d, "desktop");
    expect(k.deviceJPerToken).toBeCloseTo(2.1268, 4);
    expect(k).toMatchObject({ deviceTokensPerSec: 81.2, powerSource: "mains", adoptionCurve: "pcs", smallModelCoverage: 0.55, batteryWh: 19.25 });
    expect(withDeviceClass(d, "phone")).toMatchObject({ powerSource: "battery", adoptionCurve: "phones" });
    expect(withDeviceClass(d, "laptop")).toMatchObject({ powerSource: "battery", adoptionCurve: "pcs" });
    expect(validateInputs(k).ok).toBe(true);
    for (const c of Object.values(DEVICE_CLASSES)) expect(c.smallModelCoverage, c.label).toBeNull(); // no class has a sourced coverage
    for (const c of Object.values(DEVICE_CLASSES)) expect(c.coverage).toMatch(/assumption/);
    // power while generating: J/token x tokens/s = the measured 172.7 W
    const r = evaluate(k);
    expect(feasibility(k, r).powerWhileGeneratingW).toBeCloseTo(172.7, 9);
  });

  it("a desktop is judged by minutes only: a volume that would drain 3.5 phone batteries a day is feasible on mains, infeasible on a battery", () => {
    // Tirias volume: 9,600 tokens a device-day; at 2.13 J that is 5.67 Wh, 29% of 19.25 Wh (strained on a battery); at 81.2 tokens/s 2 minutes
    const desk = withDeviceClass(tiriasPreset(), "desktop");
    const big = { ...desk, devices: 2.5e8 }; // 12x the tokens per device: 115,200 a day, 68 Wh, 24 minutes
    const onMains = feasibility(big, evaluate(big));
    expect(onMains.level).toBe("feasible");
    expect(onMains.checks.map((c) => c.key)).toEqual(["generation"]);
    const onBattery = { ...big, powerSource: "battery" as const };
    expect(feasibility(onBattery, evaluate(onBattery)).level).toBe("infeasible");
    // and minutes still bind a desktop: 100x the Tirias volume per device is 960,000 tokens, 197 minutes a day
    const huge = { ...desk, devices: 3e9 / 100 };
    expect(feasibility(huge, evaluate(huge)).level).toBe("infeasible");
  });

  it("a desktop pays no battery wear, and its wall energy is its card's energy over the power supply's efficiency", () => {
    const desk = withDeviceClass(tiriasPreset(), "desktop");
    const r = evaluate(desk);
    expect(r.device.batteryWearUsd).toBe(0);
    expect(r.device.energyAddedMwh).toBeCloseTo(r.device.batteryEnergyMwh / desk.chargingEfficiency, 6);
    expect(evaluate({ ...desk, powerSource: "battery" }).device.batteryWearUsd).toBeGreaterThan(0);
  });
});
