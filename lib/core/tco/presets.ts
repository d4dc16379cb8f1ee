/** Scenario presets. */
import { defaultInputs, type TcoInputs } from "./model";

/**
 * "Tirias 2028" reproduces the published claim exactly: 20% of GenAI processing moved off a $76B,
 * 4.0 GW data-center baseline saves $15.2B and 800 MW (linear scaling, no fallback, no hybrid). The
 * claim moves average work: the replaced model's facility J/token is the fleet average here.
 */
export function tiriasPreset(): TcoInputs {
  const d = defaultInputs();
  return {
    ...d,
    mode: "topDown",
    offloadMode: "direct",
    baseYear: 2028,
    year: 2028,
    offloadShare: 0.2,
    offloadShareStart: 0.2,
    rampYears: 0,
    onDeviceFraction: 1,
    cloudFallbackRate: 0,
    dcCostUsd: 76e9,
    dcPowerMw: 4000,
    fleetJPerToken: d.dcItJPerToken * d.pue,
  };
}

/**
 * Electricity by region, for the data center and for the users (one region each): grid carbon,
 * water consumed generating it, price. Only sourced figures: a region without a sourced price keeps
 * the current one.
 */
export const REGIONS = {
  us: { label: "United States", gridGPerKwh: 369, generationWaterLPerKwh: 3.13, dcUsdPerKwh: 0.08, residentialUsdPerKwh: 0.16, source: "Ember 2023 (OWID); EcoLogits (WRI); EIA (VERIFY)" },
  eu27: { label: "EU-27", gridGPerKwh: 244, generationWaterLPerKwh: null, dcUsdPerKwh: null, residentialUsdPerKwh: 0.31, source: "Ember 2023 (OWID); Eurostat households EUR 0.287/kWh 2H 2024 (~$0.31)" },
  world: { label: "World average", gridGPerKwh: 481, generationWaterLPerKwh: 3.91, dcUsdPerKwh: null, residentialUsdPerKwh: null, source: "Ember 2023 (OWID); EcoLogits (WRI)" },
} as const;
export type RegionKey = keyof typeof REGIONS;

/** The inputs with the data center's or the users' electricity set to a region's. */
export function withRegion(i: TcoInputs, side: "dc" | "users", region: RegionKey): TcoInputs {
  const r = REGIONS[region];
  if (side === "dc") {
    return {
      ...i,
      dcGridGPerKwh: r.gridGPerKwh,
      generationWaterLPerKwh: r.generationWaterLPerKwh ?? i.generationWaterLPerKwh,
      dcElectricityUsdPerKwh: r.dcUsdPerKwh ?? i.dcElectricityUsdPerKwh,
    };
  }
  return {
    ...i,
    deviceGridGPerKwh: r.gridGPerKwh,
    userGenerationWaterLPerKwh: r.generationWaterLPerKwh ?? i.userGenerationWaterLPerKwh,
    residentialUsdPerKwh: r.residentialUsdPerKwh ?? i.residentialUsdPerKwh,
  };
}

/**
 * Bottom-up preset: demand from users, device energy per token from measured results when the
 * caller has them (median decode J/token at the wall-side scope), else the reported phone figure.
 */
export function bottomUpPreset(measuredDeviceJPerToken: number | null): TcoInputs {
  const i = { ...defaultInputs(), mode: "bottomUp" as const };
  if (measuredDeviceJPerToken != null && measuredDeviceJPerToken > 0) i.deviceJPerToken = measuredDeviceJPerToken;
  return i;
}

export const PRESETS = { tirias2028: tiriasPreset, bottomUp: () => bottomUpPreset(null) } as const;
