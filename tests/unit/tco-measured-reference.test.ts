/**
 * The measured device reference's URL parameters and the bottom-up preset for its device class
 * (app/tco/measured-reference.ts; reviews measurement.md N12, tco.md N17): known values are taken,
 * unknown ones get a notice and the default, never a crash.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { InputsPanel } from "../../app/tco/inputs-panel";
import { inputsFromSearchParams, PAGE_PARAMS, withPageParams } from "../../lib/core/tco/inputs";
import { defaultInputs } from "../../lib/core/tco/model";
import { DEVICE_ENERGY_REFERENCE, type MeasuredDeviceEnergy } from "../../lib/server/read/measured-energy";
import { measuredBottomUp, referenceClassFromParam, referenceModelsFromParam } from "../../app/tco/measured-reference";
import { bottomUpPreset, DEVICE_CLASSES } from "../../lib/core/tco/presets";

describe("?deviceClass= (the class the measured device energy is of)", () => {
  it("takes phone, laptop and desktop; phone when absent", () => {
    expect(referenceClassFromParam(null)).toEqual({ deviceClass: "phone", notice: null });
    expect(referenceClassFromParam("")).toEqual({ deviceClass: "phone", notice: null });
    for (const c of ["phone", "laptop", "desktop"] as const) expect(referenceClassFromParam(c)).toEqual({ deviceClass: c, notice: null });
  });
  it("answers any other value with a notice and the phone, prototype names included", () => {
    // "tablet" and "server" are device classes of the contract, not of the TCO model.
    for (const v of ["tablet", "server", "Phone", "toString", "constructor", "__proto__", "x".repeat(5000)]) {
      const r = referenceClassFromParam(v);
      expect(r.deviceClass, v).toBe("phone");
      expect(r.notice, v).toMatch(/^deviceClass ".*" is not one of phone, laptop, desktop; the measured device energy is of phones\.$/);
      expect(r.notice!.length).toBeLessThan(200);
    }
  });
});

describe("?deviceRef= (which models)", () => {
  it("takes a size class or model:<name>; every model when absent", () => {
    expect(referenceModelsFromParam(null)).toEqual({ models: null, notice: null });
    expect(referenceModelsFromParam("1-3B")).toEqual({ models: { sizeClass: "1-3B" }, notice: null });
    expect(referenceModelsFromParam("model:Llama-3.2-1B")).toEqual({ models: { model: "Llama-3.2-1B" }, notice: null });
    expect((referenceModelsFromParam(`model:${"m".repeat(500)}`).models as { model: string }).model).toHaveLength(200);
  });
  it("answers an unknown value with a notice and every model (a prototype name is no size class)", () => {
    for (const v of ["2B", "toString", "constructor", "hasOwnProperty"]) {
      expect(referenceModelsFromParam(v), v).toEqual({ models: null, notice: expect.stringMatching(/^deviceRef ".*" is not a size class \(<1B, 1-3B, 3-8B, >8B\) or model:<name>; using every model\.$/) });
    }
  });
});

describe("the bottom-up preset for the reference's class", () => {
  it("for a phone it is the bottom-up preset, with the measured J/token where there is one", () => {
    expect(measuredBottomUp("phone", null)).toEqual(bottomUpPreset(null));
    expect(measuredBottomUp("phone", { jPerToken: 0.42 })).toEqual(bottomUpPreset(0.42));
  });
  it("for a laptop the laptop's figures with the measured J/token; the laptop's reported one without", () => {
    const m = measuredBottomUp("laptop", { jPerToken: 0.42 });
    expect(m).toMatchObject({ mode: "bottomUp", deviceJPerToken: 0.42, deviceTokensPerSec: DEVICE_CLASSES.laptop.deviceTokensPerSec, adoptionCurve: "pcs" });
    expect(measuredBottomUp("laptop", null).deviceJPerToken).toBe(DEVICE_CLASSES.laptop.deviceJPerToken);
    expect(measuredBottomUp("desktop", { jPerToken: 0 })).toMatchObject({ deviceJPerToken: DEVICE_CLASSES.desktop.deviceJPerToken, powerSource: "mains" });
  });
});

describe("the inputs panel names the reference's class and keeps the SoC figure apart", () => {
  const ref = (scope: "battery" | "soc", jPerToken: number): MeasuredDeviceEnergy => ({ jPerToken, p25: jPerToken * 0.9, p75: jPerToken * 1.1, runs: 3, submissionIds: ["0123456789abcdef"], scope, deviceClass: "phone", reference: DEVICE_ENERGY_REFERENCE, models: null });
  const render = (measured: MeasuredDeviceEnergy | null, socLowerBound: MeasuredDeviceEnergy | null, referenceClass: "phone" | "laptop") => {
    const i = defaultInputs();
    const raw = Object.fromEntries(Object.entries(i).map(([k, v]) => [k, String(v)]));
    const noop = () => {};
    return renderToStaticMarkup(createElement(InputsPanel, { raw, errors: {}, inputs: i, set: noop, onRegion: noop, onDeviceClass: noop, onHelperUse: noop, measured, socLowerBound, referenceClass, measuredCurves: [] })).replace(/<!-- -->/g, "");
  };
  it("the battery reference of phones, and the SoC lower bound beside it, labelled", () => {
    const html = render(ref("battery", 0.3), ref("soc", 0.15), "phone");
    expect(html).toContain("Device energy of phones: 0.3 J/token above idle");
    expect(html).toContain("on phones measured in the battery scope");
    expect(html).toContain("SoC scope only (Apple powermetrics CPU+GPU+ANE: no DRAM, display or rest of the board), a lower bound the preset does not use: 0.15 J/token");
  });
  it("none for laptops: said, with the class; no SoC line without one", () => {
    const html = render(null, null, "laptop");
    expect(html).toContain("Device energy of laptops: no published tg128 result of a laptop measured in the battery scope");
    expect(html).not.toContain("SoC scope only");
  });
  it("?deviceClass= is a page parameter, not an unknown input", () => {
    expect(inputsFromSearchParams(new URLSearchParams("deviceClass=laptop&deviceRef=1-3B")).unknown).toEqual([]);
  });
});

describe("the address bar keeps the page's parameters while the inputs change", () => {
  it("carries deviceRef and deviceClass over, and nothing else of the old address", () => {
    const next = new URLSearchParams("offloadShare=0.3");
    const current = new URLSearchParams("preset=tirias2028&deviceClass=laptop&deviceRef=1-3B&offloadShare=0.2&junk=1");
    expect(withPageParams(next, current).toString()).toBe("offloadShare=0.3&deviceRef=1-3B&deviceClass=laptop");
    expect(withPageParams(next, new URLSearchParams("")).toString()).toBe("offloadShare=0.3");
    expect(PAGE_PARAMS).toEqual(["deviceRef", "deviceClass"]);
  });
});

