/** Scenario presets. */
import { ASSUMPTIONS } from "./assumptions";
import { defaultInputs, type TcoInputs } from "./model";

/**
 * "Tirias 2028" reproduces the published claim exactly: 20% of GenAI processing moved off a $76B,
 * 4.0 GW data-center baseline saves $15.2B and 800 MW (linear scaling, no fallback, no hybrid). The
 * claim moves average work: the replaced model is the fleet average (r = 1), whose energy per token
 * is the model's sourced fleet figure (EcoLogits 70B class: 2.0 J IT, 2.4 J facility at PUE 1.2).
 * That volume is 9,600 tokens, 2.5 Wh (13% of a phone battery) and ~27 minutes of sustained
 * generation per device per day on 3 billion devices: feasible.
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
    fleetItJPerToken: d.fleetItJPerToken,
    replacedModel: "fleet",
  };
}

/**
 * Electricity by region, for the data center and for the users (one region each): grid carbon,
 * water consumed generating it, price. Only sourced figures: where a region has none (null), the
 * current input is kept and `regionKeeps` says so beside the choice, never silently.
 */
export const REGIONS = {
  us: { label: "United States", gridGPerKwh: 369, generationWaterLPerKwh: 3.13, dcUsdPerKwh: 0.08, residentialUsdPerKwh: 0.16, source: "Ember 2023 (OWID); EcoLogits (WRI); EIA 2023 averages (industrial ~8, residential ~16 cents/kWh)" },
  eu27: { label: "EU-27", gridGPerKwh: 244, generationWaterLPerKwh: null, dcUsdPerKwh: null, residentialUsdPerKwh: 0.31, source: "Ember 2023 (OWID), EU-27 derived from its country figures; Eurostat households EUR 0.287/kWh 2H 2024 (~$0.31)" },
  world: { label: "World average", gridGPerKwh: 481, generationWaterLPerKwh: 3.91, dcUsdPerKwh: null, residentialUsdPerKwh: null, source: "Ember 2023 (OWID); EcoLogits (WRI)" },
} as const;
export type RegionKey = keyof typeof REGIONS;

/** The inputs a region sets on each side, and the region's figure for each (null: none sourced). */
const REGION_FIELDS = {
  dc: [
    ["dcGridGPerKwh", "gridGPerKwh"],
    ["generationWaterLPerKwh", "generationWaterLPerKwh"],
    ["dcElectricityUsdPerKwh", "dcUsdPerKwh"],
  ],
  users: [
    ["deviceGridGPerKwh", "gridGPerKwh"],
    ["userGenerationWaterLPerKwh", "generationWaterLPerKwh"],
    ["residentialUsdPerKwh", "residentialUsdPerKwh"],
  ],
} as const;

/**
 * What choosing `region` for one side leaves as it is, one sentence per input: the region has no
 * sourced figure for it, so the current value stays (e.g. EU-27 has no sourced data-center price or
 * generation water: the US price and whatever water figure was there are kept).
 */
export function regionKeeps(i: TcoInputs, side: "dc" | "users", region: RegionKey): string[] {
  const r = REGIONS[region];
  return REGION_FIELDS[side]
    .filter(([, field]) => r[field] == null)
    .map(([key, field]) => {
      const whose = Object.values(REGIONS).find((o) => o[field] === i[key]);
      return `${ASSUMPTIONS[key].label} kept at ${i[key]} ${ASSUMPTIONS[key].unit}${whose ? ` (the ${whose.label} figure)` : ""}: no ${r.label} figure sourced`;
    });
}

/** The inputs with the data center's or the users' electricity set to a region's (where it has a sourced figure). */
export function withRegion(i: TcoInputs, side: "dc" | "users", region: RegionKey): TcoInputs {
  const r = REGIONS[region];
  const out = { ...i };
  for (const [key, field] of REGION_FIELDS[side]) out[key] = r[field] ?? i[key];
  return out;
}

/**
 * Bottom-up preset: demand from users, device energy per token from measured results when the
 * caller has them (median tg128 J/token in a battery scope, above idle), else the reported
 * phone figure.
 */
export function bottomUpPreset(measuredDeviceJPerToken: number | null): TcoInputs {
  const i = { ...defaultInputs(), mode: "bottomUp" as const };
  if (measuredDeviceJPerToken != null && measuredDeviceJPerToken > 0) i.deviceJPerToken = measuredDeviceJPerToken;
  return i;
}

/**
 * Device classes: each with its own energy per token (the device's side of its charger or power
 * supply), sustained speed, battery, power source and adoption curve, set together. Only sourced
 * figures; a class without one keeps the input. Coverage is sourced only for models up to 20B active
 * parameters on laptop-class accelerators (IPW, arXiv 2511.07885: 71.3%), whose J/token our sources
 * do not give: no class sets it, and for every class the coverage input is an assumption (`coverage`
 * says why, per class).
 */
export const DEVICE_CLASSES = {
  phone: {
    label: "Phone (CPU, 1.5B model)",
    deviceJPerToken: 0.93,
    deviceTokensPerSec: 6,
    batteryWh: 19.25 as number | null,
    powerSource: "battery",
    adoptionCurve: "phones",
    smallModelCoverage: null as number | null,
    coverage: "no sourced coverage for 1-3B phone models (IPW's 71.3% is for models up to 20B active parameters on laptop-class accelerators): an upper bound, kept as an assumption",
    source:
      "Galaxy S25 Ultra, llama.cpp 4-bit Qwen2.5-1.5B: 0.93 J/token (eziyoo/LLMs-on-Devices); 12 tokens/s (Phi-3 report, iPhone 14) halved under sustained load (arXiv 2603.23640); 5,000 mAh x 3.85 V; AI-capable share of sales: IDC GenAI smartphones",
  },
  laptop: {
    label: "Laptop GPU (RTX 4050, 1.5B model)",
    deviceJPerToken: 0.26,
    deviceTokensPerSec: 131.7,
    batteryWh: null as number | null,
    powerSource: "battery",
    adoptionCurve: "pcs",
    smallModelCoverage: null as number | null,
    coverage: "IPW's 71.3% is for models up to 20B active parameters on laptop-class accelerators (Apple M4 Max), not a 1.5B model on an RTX 4050: kept as an assumption",
    source:
      "RTX 4050 laptop, Qwen2.5-1.5B 4-bit: 131.7 tokens/s sustained at 34.1 W = 0.26 J/token (arXiv 2603.23640, https://arxiv.org/abs/2603.23640). No sourced laptop battery: that input stays; AI-capable share of sales: Canalys and IDC AI PCs",
  },
  desktop: {
    label: "Desktop GPU (RTX 5060 Ti, 7B model, mains)",
    deviceJPerToken: 172.7 / 81.2,
    deviceTokensPerSec: 81.2,
    batteryWh: null as number | null,
    powerSource: "mains",
    adoptionCurve: "pcs",
    smallModelCoverage: null as number | null,
    coverage: "no sourced coverage for a desktop GPU or a 7B model: kept as an assumption",
    source:
      "Desktop RTX 5060 Ti 16 GB, llama.cpp, Qwen2.5-Coder-7B-Instruct at the card's default 180 W limit: 81.2 tokens/s at an average draw of 172.7 W, just under the card's 180 W limit, = 2.13 J/token (InventiveHQ, https://inventivehq.com/blog/gpu-power-limit-tokens-per-watt; at its 150 W floor 80.4 tokens/s at 147.2 W = 1.83 J/token). We read the draw as the card's, not the whole desktop's: the power-supply efficiency input takes it to the wall, and the rest of the desktop is not counted (a lower bound). No battery: no wear, feasibility by minutes only; AI-capable share of sales: Canalys and IDC AI PCs (desktops and notebooks)",
  },
} as const;
export type DeviceClassKey = keyof typeof DEVICE_CLASSES;

/** The inputs with a device class's sourced figures (those it has). */
export function withDeviceClass(i: TcoInputs, key: DeviceClassKey): TcoInputs {
  const c = DEVICE_CLASSES[key];
  return {
    ...i,
    deviceJPerToken: c.deviceJPerToken,
    deviceTokensPerSec: c.deviceTokensPerSec,
    batteryWh: c.batteryWh ?? i.batteryWh,
    smallModelCoverage: c.smallModelCoverage ?? i.smallModelCoverage,
    powerSource: c.powerSource,
    adoptionCurve: c.adoptionCurve,
  };
}

export const PRESETS = { tirias2028: tiriasPreset, bottomUp: () => bottomUpPreset(null) } as const;
