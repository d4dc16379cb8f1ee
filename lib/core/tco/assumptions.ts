/**
 * Every default of the TCO model, with its low / base / high range and its source. Figures from
 * literature are "reported"; values derived from them say how; estimates are marked "estimate".
 * Copied from the project's reference notes (Tirias, Uptime, IEA, EcoLogits, ML.ENERGY, Ember, EIA,
 * NVIDIA, our own H200 run); the product never reads those notes at run time.
 */

export type AssumptionKind = "reported" | "derived" | "estimate" | "measured";

export interface Assumption {
  key: string;
  label: string;
  unit: string;
  low: number;
  base: number;
  high: number;
  /** Hard bounds any input must respect (a share is 0..1). */
  min: number;
  max: number;
  kind: AssumptionKind;
  source: string;
  group: "executive" | "advanced";
}

const a = (x: Assumption) => x;

export const ASSUMPTIONS = {
  offloadShare: a({ key: "offloadShare", label: "Share of GenAI inference moved off the data center", unit: "fraction", low: 0.1, base: 0.2, high: 0.3, min: 0, max: 1, kind: "reported", source: "Tirias Research GenAI Forecast and TCO Model (Forbes, 2023): 20% on-device and hybrid by 2028", group: "executive" }),
  onDeviceFraction: a({ key: "onDeviceFraction", label: "Of the offloaded work, share fully on-device (rest hybrid)", unit: "fraction", low: 0.5, base: 0.7, high: 0.9, min: 0, max: 1, kind: "estimate", source: "Estimate: hybrid keeps some steps in the cloud", group: "advanced" }),
  hybridDcFraction: a({ key: "hybridDcFraction", label: "Of hybrid work, share still run in the data center", unit: "fraction", low: 0.2, base: 0.4, high: 0.6, min: 0, max: 1, kind: "estimate", source: "Estimate", group: "advanced" }),
  cloudFallbackRate: a({ key: "cloudFallbackRate", label: "On-device requests that fall back (escalate) to the cloud after a device attempt (direct mode)", unit: "fraction", low: 0.02, base: 0.05, high: 0.15, min: 0, max: 1, kind: "estimate", source: "Estimate: hard prompts escalate to a larger cloud model. The data center serves them, and the device's attempt is charged to the devices in full (it generated before escalating)", group: "advanced" }),
  dcCostUsd: a({ key: "dcCostUsd", label: "GenAI data-center cost in the base year", unit: "USD/year", low: 60e9, base: 76e9, high: 90e9, min: 0, max: 1e13, kind: "reported", source: "Tirias Research (Forbes, 2023): more than $76B projected for 2028", group: "executive" }),
  dcPowerMw: a({ key: "dcPowerMw", label: "GenAI data-center power in the base year", unit: "MW", low: 3000, base: 4000, high: 5000, min: 0, max: 1e6, kind: "derived", source: "Derived from Tirias: 800 MW saved at 20% offload implies 4.0 GW", group: "executive" }),
  fleetItJPerToken: a({ key: "fleetItJPerToken", label: "Fleet-average IT energy per token (x PUE: facility; sets the token volume of the top-down baseline)", unit: "J/token", low: 1.24, base: 2.0, high: 4.0, min: 1e-4, max: 1e3, kind: "derived", source: "EcoLogits: 70B-class models ~2.4 J/token incl. server and PUE 1.2 = 2.0 IT (base: a fleet of 70B-class models). Low: x 0.62, the ratio of ML.ENERGY v3's Llama-3.1-8B (0.12 J GPU x 1.4 server = 0.17 IT) to EcoLogits' 8B figure (0.27 IT); high: estimate, twice the base for larger and reasoning models", group: "executive" }),
  dcItJPerToken: a({ key: "dcItJPerToken", label: "IT energy per token of the cloud model a device replaces (GPU + server; used when the replaced model is not the fleet average)", unit: "J/token", low: 0.05, base: 0.27, high: 2.0, min: 1e-4, max: 1e3, kind: "reported", source: "ML.ENERGY v3 (Llama-3.1-8B, H100, batch 64): 0.12 J/token GPU-only; EcoLogits: 1-8B models ~0.29-0.32 J/token incl. server and PUE 1.2 (0.27 IT); 70B ~2.4 incl. PUE (2.0 IT). Our H200 run: 0.035-9 J/token from batch 256 to 1", group: "executive" }),
  pue: a({ key: "pue", label: "Power usage effectiveness (facility / IT)", unit: "ratio", low: 1.1, base: 1.2, high: 1.58, min: 1, max: 3, kind: "reported", source: "Google 1.10 (2023), AWS ~1.14, Azure ~1.20 (EcoLogits); industry average 1.56-1.58 (Uptime Institute)", group: "advanced" }),
  peakToAverage: a({ key: "peakToAverage", label: "Provisioned / average data-center power", unit: "ratio", low: 1.2, base: 1.5, high: 2, min: 1, max: 10, kind: "estimate", source: "Estimate: capacity is built for peak load", group: "advanced" }),
  capexUsdPerMw: a({ key: "capexUsdPerMw", label: "Server hardware per MW of IT capacity", unit: "USD/MW", low: 25e6, base: 35e6, high: 45e6, min: 0, max: 1e9, kind: "estimate", source: "Estimate: a DGX H100 (10.2 kW, NVIDIA datasheet) at ~$350k", group: "advanced" }),
  facilityUsdPerMwYear: a({ key: "facilityUsdPerMwYear", label: "Facility cost per MW per year (building, cooling, amortized)", unit: "USD/MW/year", low: 1e6, base: 1.5e6, high: 2e6, min: 0, max: 1e9, kind: "estimate", source: "Estimate (no public figure in our references): building, power and cooling plant, amortized", group: "advanced" }),
  hardwareLifeYears: a({ key: "hardwareLifeYears", label: "Server hardware life", unit: "years", low: 3, base: 4, high: 5, min: 1, max: 20, kind: "reported", source: "3-year life in EcoLogits / BoaviztAPI; 4-6 years in hyperscaler accounting", group: "advanced" }),
  discountRate: a({ key: "discountRate", label: "Cost of capital", unit: "fraction/year", low: 0.05, base: 0.08, high: 0.12, min: 0, max: 1, kind: "estimate", source: "Estimate", group: "advanced" }),
  dcElectricityUsdPerKwh: a({ key: "dcElectricityUsdPerKwh", label: "Data-center electricity price", unit: "USD/kWh", low: 0.06, base: 0.08, high: 0.12, min: 0, max: 2, kind: "reported", source: "EIA: US industrial ~8 cents/kWh (2023 average); low and high: estimate", group: "executive" }),
  opsFraction: a({ key: "opsFraction", label: "Operations as a share of hardware and facility cost", unit: "fraction", low: 0.1, base: 0.15, high: 0.25, min: 0, max: 2, kind: "estimate", source: "Estimate", group: "advanced" }),
  deviceJPerToken: a({ key: "deviceJPerToken", label: "Device energy per token (battery side)", unit: "J/token", low: 0.26, base: 0.93, high: 2.92, min: 1e-4, max: 1e3, kind: "reported", source: "Galaxy S25 Ultra llama.cpp 4-bit: Qwen2.5-1.5B 0.93, Llama-3.1-8B 2.92 J/token (eziyoo/LLMs-on-Devices); RTX 4050 laptop Qwen2.5-1.5B 0.26 J/token (arXiv 2603.23640). Replaced by measured results where available", group: "executive" }),
  chargingEfficiency: a({ key: "chargingEfficiency", label: "Wall-to-device efficiency (charger; the power supply of a mains device)", unit: "fraction", low: 0.75, base: 0.85, high: 0.9, min: 0.05, max: 1, kind: "estimate", source: "Estimate", group: "advanced" }),
  devices: a({ key: "devices", label: "Devices that run the offloaded work (top-down)", unit: "devices", low: 1e9, base: 3e9, high: 5e9, min: 1, max: 1e11, kind: "estimate", source: "Estimate (no public count in our references): AI-capable phones and PCs in use by 2028; in bottom-up mode the users are the devices", group: "advanced" }),
  batteryWh: a({ key: "batteryWh", label: "Device battery capacity", unit: "Wh", low: 15, base: 19.25, high: 25, min: 1, max: 1000, kind: "estimate", source: "Estimate: a 5,000 mAh phone battery at 3.85 V nominal", group: "advanced" }),
  residentialUsdPerKwh: a({ key: "residentialUsdPerKwh", label: "Users' electricity price (residential)", unit: "USD/kWh", low: 0.1, base: 0.16, high: 0.31, min: 0, max: 2, kind: "reported", source: "EIA: US residential ~16 cents/kWh (2023 average); Eurostat: EU households EUR 0.287/kWh (2H 2024), ~$0.31", group: "executive" }),
  batteryServiceUsd: a({ key: "batteryServiceUsd", label: "Price of a battery replacement (service)", unit: "USD", low: 89, base: 99, high: 119, min: 0, max: 1e4, kind: "reported", source: "Apple US out-of-warranty iPhone battery service: $89 (older models) to $119 (iPhone 16 Pro); $99 for iPhone 14-16", group: "advanced" }),
  batteryCycleLife: a({ key: "batteryCycleLife", label: "Full charge cycles to 80% capacity (battery cycle life)", unit: "cycles", low: 500, base: 1000, high: 1000, min: 1, max: 1e5, kind: "reported", source: "Apple, iPhone battery and performance: iPhone 15 and later retain 80% of capacity at 1,000 full cycles, iPhone 14 and earlier at 500", group: "advanced" }),
  batteryWearMarginalShare: a({ key: "batteryWearMarginalShare", label: "Share of the extra cycling that brings a battery service or a new device forward (marginal wear)", unit: "fraction", low: 0, base: 0.5, high: 1, min: 0, max: 1, kind: "estimate", source: "Estimate: 0 when devices are replaced before their battery wears out, 1 when every extra cycle shortens the battery's life; wear per kWh = service price / (cycle life x capacity) x this share", group: "advanced" }),
  deviceEmbodiedKg: a({ key: "deviceEmbodiedKg", label: "Embodied carbon of one device", unit: "kgCO2e", low: 40, base: 60, high: 85, min: 0, max: 10_000, kind: "estimate", source: "Estimate from phone makers' product environmental reports, which give ~40-85 kgCO2e for a smartphone", group: "advanced" }),
  deviceLifeYears: a({ key: "deviceLifeYears", label: "Device life", unit: "years", low: 2, base: 3, high: 5, min: 0.5, max: 20, kind: "estimate", source: "Estimate", group: "advanced" }),
  aiEmbodiedShare: a({ key: "aiEmbodiedShare", label: "Share of a device's embodied carbon that is its on-device AI hardware (NPU, extra memory)", unit: "fraction", low: 0.02, base: 0.05, high: 0.15, min: 0, max: 1, kind: "estimate", source: "Estimate; charged only on the AI-capable purchases the offload needs beyond those the market makes AI-capable anyway (the adoption curve; none without offload)", group: "advanced" }),
  aiUpgradeShare: a({ key: "aiUpgradeShare", label: "Of the purchases the offload needs AI-capable beyond the market's own, the share that are upgrades for on-device AI (charged the whole device)", unit: "fraction", low: 0, base: 0.05, high: 0.15, min: 0, max: 1, kind: "estimate", source: "Estimate; the adoption curve (the share of sales AI-capable anyway) decides which purchases the offload needs (none without offload); with the curve None this is the v2 share of all purchases at full offload", group: "advanced" }),
  devicePriceUsd: a({ key: "devicePriceUsd", label: "Price of an upgraded device", unit: "USD", low: 300, base: 500, high: 1000, min: 0, max: 1e5, kind: "estimate", source: "Estimate", group: "advanced" }),
  smallModelCoverage: a({ key: "smallModelCoverage", label: "Share of queries a small local model answers well enough (coverage mode)", unit: "fraction", low: 0.5, base: 0.713, high: 0.8, min: 0, max: 1, kind: "reported", source: "Intelligence per Watt (arXiv 2511.07885): local models of up to 20B active parameters on laptop-class accelerators (Apple M4 Max) answered 71.3% of single-turn queries in 2025 (23.2% in 2023). For a 1-3B phone model this is an upper bound, not a measurement; low and high: estimate", group: "advanced" }),
  capableDeviceShare: a({ key: "capableDeviceShare", label: "Share of demand from devices able to run the small model (coverage mode)", unit: "fraction", low: 0.3, base: 0.5, high: 0.8, min: 0, max: 1, kind: "estimate", source: "Estimate", group: "advanced" }),
  dcEfficiencyGain: a({ key: "dcEfficiencyGain", label: "Yearly fall of data-center energy per token (trajectory)", unit: "fraction/year", low: 0.1, base: 0.2, high: 0.35, min: 0, max: 0.9, kind: "estimate", source: "Estimate: newer GPUs, batching and serving software", group: "advanced" }),
  deviceEfficiencyGain: a({ key: "deviceEfficiencyGain", label: "Yearly fall of device energy per token (trajectory)", unit: "fraction/year", low: 0.05, base: 0.15, high: 0.3, min: 0, max: 0.9, kind: "estimate", source: "Estimate: NPUs and quantization", group: "advanced" }),
  dcGridGPerKwh: a({ key: "dcGridGPerKwh", label: "Carbon intensity of data-center electricity", unit: "gCO2/kWh", low: 200, base: 369, high: 481, min: 0, max: 2000, kind: "reported", source: "Ember 2023 via OWID: US 369, world 481 gCO2/kWh; EU-27 ~244 (derived: Ember country figures weighted by generation)", group: "executive" }),
  deviceGridGPerKwh: a({ key: "deviceGridGPerKwh", label: "Carbon intensity of users' electricity", unit: "gCO2/kWh", low: 244, base: 481, high: 600, min: 0, max: 2000, kind: "reported", source: "Ember 2023 via OWID: world 481 gCO2/kWh; EU-27 ~244 (derived: Ember country figures weighted by generation)", group: "executive" }),
  dcEmbodiedTPerMwYear: a({ key: "dcEmbodiedTPerMwYear", label: "Embodied carbon of DC hardware per MW of provisioned IT capacity per year", unit: "tCO2e/MW/year", low: 150, base: 244, high: 300, min: 0, max: 1e5, kind: "derived", source: "Derived: 8-GPU server ~5,700 kg + 8 x H100 164-273 kg (EcoLogits/BoaviztAPI), 10.2 kW, 3-year life", group: "advanced" }),
  wueLPerKwh: a({ key: "wueLPerKwh", label: "On-site water use per kWh of IT energy (WUE)", unit: "L/kWh", low: 0.13, base: 0.36, high: 0.99, min: 0, max: 20, kind: "reported", source: "AWS 0.13, Azure 0.569, Google 0.99 L/kWh (EcoLogits); US average ~0.36 (LBNL 2024, an estimate there)", group: "advanced" }),
  userGenerationWaterLPerKwh: a({ key: "userGenerationWaterLPerKwh", label: "Water consumed generating users' electricity", unit: "L/kWh", low: 3.13, base: 3.91, high: 4.5, min: 0, max: 50, kind: "reported", source: "EcoLogits electricity mixes (WRI method): US 3.13, world 3.91 L/kWh", group: "advanced" }),
  generationWaterLPerKwh: a({ key: "generationWaterLPerKwh", label: "Water consumed generating data-center electricity", unit: "L/kWh", low: 3.13, base: 3.13, high: 4.5, min: 0, max: 50, kind: "reported", source: "EcoLogits electricity mixes (WRI method): US 3.13, world 3.91 L/kWh; base: US, the region of the data center's default grid and price", group: "advanced" }),
  demandGrowth: a({ key: "demandGrowth", label: "Annual growth of GenAI token demand after the base year (both modes)", unit: "fraction/year", low: 0.2, base: 0.5, high: 1.0, min: -0.9, max: 100, kind: "estimate", source: "Estimate; Tirias' own 2025 correction: 667T tokens used vs 20T forecast for 2024", group: "advanced" }),
  deviceTokensPerSec: a({ key: "deviceTokensPerSec", label: "Device generation speed, sustained (feasibility)", unit: "tokens/s", low: 6, base: 6, high: 12, min: 0.01, max: 1e5, kind: "derived", source: "Phi-3 report (arXiv 2404.14219): phi-3-mini 4-bit on an iPhone 14, more than 12 tokens/s (high); sustained: half of it, as the iPhone 16 Pro loses nearly half its throughput within two iterations (arXiv 2603.23640)", group: "advanced" }),
  priceEscalation: a({ key: "priceEscalation", label: "Real change of electricity prices per year (both sides)", unit: "fraction/year", low: -0.02, base: 0, high: 0.02, min: -0.5, max: 1, kind: "estimate", source: "Estimate: 0 keeps constant real prices, consistent with a real cost of capital; low and high: a real fall or rise of 2% a year", group: "advanced" }),
  carbonPriceUsdPerT: a({ key: "carbonPriceUsdPerT", label: "Carbon price (optional; 0 leaves carbon out of the dollars)", unit: "USD/tCO2e", low: 0, base: 0, high: 190, min: 0, max: 1e4, kind: "reported", source: "A choice. For reference: US EPA social cost of carbon $190/t (2023, 2% discount rate); EU ETS allowances ~EUR 60-90/t in 2024", group: "advanced" }),
} as const;

export type AssumptionKey = keyof typeof ASSUMPTIONS;

/**
 * Decision levers: what the user chooses, not what is uncertain: the offload share and how it is
 * routed (on-device or hybrid, what escalates), the baseline, the devices, the carbon price. The
 * Monte Carlo holds them at their chosen values unless asked to sample them too.
 */
export const LEVER_KEYS: readonly AssumptionKey[] = ["offloadShare", "onDeviceFraction", "hybridDcFraction", "cloudFallbackRate", "dcCostUsd", "dcPowerMw", "devices", "carbonPriceUsdPerT"];
/**
 * Inputs the Monte Carlo does not draw on their own: the replaced model's J/token is a choice (which
 * cloud model the offloaded queries would have used) and moves with the fleet's draw (same serving
 * hardware and batching), so their ratio holds in every draw; the device's speed only feeds the
 * feasibility check.
 */
export const LINKED_KEYS: readonly AssumptionKey[] = ["dcItJPerToken", "deviceTokensPerSec"];
export const ASSUMPTION_KEYS = Object.keys(ASSUMPTIONS) as AssumptionKey[];

/**
 * Share of each year's device sales that is AI-capable anyway (without the offload), from market
 * forecasts: the offload is charged only for the AI-capable purchases it needs beyond these (model.ts).
 * Points are the forecasts' own figures; between them the share is interpolated linearly (derived),
 * before the first and after the last it is held (no extrapolation: held shares charge the offload
 * more, not less). "none" charges every purchase the offload needs (the v2 attribution).
 */
export interface AdoptionCurve {
  label: string;
  /** [year, share of that year's shipments AI-capable, 0..1], by year. */
  points: readonly (readonly [number, number])[];
  kind: AssumptionKind;
  source: string;
}

export const ADOPTION_CURVES = {
  none: { label: "None: no device would be AI-capable without the offload (charges every purchase it needs)", points: [], kind: "estimate", source: "A bound, not a forecast: the v2 attribution" },
  phones: {
    label: "Phones: IDC GenAI-smartphone forecast",
    points: [
      [2024, 0.19],
      [2028, 0.7],
    ],
    kind: "reported",
    source:
      "IDC Worldwide Quarterly Mobile Phone Tracker forecast, July 2024: GenAI smartphones (an NPU of 30 int8 TOPS or more) 234.2M units in 2024, 19% of the smartphone market (https://www.rcrwireless.com/20240801/devices/idc-predicts-912-million-gen-ai-smartphone-shipments-by-2028), 912M in 2028, 70% of the market (https://gadget.co.za/genaitransformidc2189t/); 2025-2027 interpolated (IDC: above 60% within three years)",
  },
  pcs: {
    label: "PCs (laptops and desktops): Canalys and IDC AI-PC forecasts",
    points: [
      [2024, 0.18],
      [2025, 0.4],
      [2027, 0.6],
    ],
    kind: "reported",
    source:
      "Canalys, March 2024: AI-capable PCs (desktops and notebooks with an NPU) 48M in 2024, 18% of PC shipments, over 100M in 2025, 40% (https://iteuropa.com/node/10896); IDC, February 2024: AI PCs nearly 60% of all PC shipments by 2027 (https://www.emsnow.com/idc-forecasts-artificial-intelligence-pcs-to-account-for-nearly-60-of-all-pc-shipments-by-2027/); 2026 interpolated, held at 60% after 2027. Gartner gives 17% (2024) and 43% (2025)",
  },
} as const satisfies Record<string, AdoptionCurve>;
export type AdoptionCurveKey = keyof typeof ADOPTION_CURVES;

/** The share of `year`'s sales that is AI-capable anyway on a curve: linear between its points, held outside them (0 for "none"). */
export function capableSalesShare(curve: AdoptionCurveKey, year: number): number {
  const p: readonly (readonly [number, number])[] = ADOPTION_CURVES[curve].points;
  const first = p[0];
  const last = p[p.length - 1];
  if (!first || !last) return 0;
  if (year <= first[0]) return first[1];
  if (year >= last[0]) return last[1];
  for (let k = 1; k < p.length; k++) {
    const [y1, a1] = p[k]!;
    const [y0, a0] = p[k - 1]!;
    if (year <= y1) return a0 + ((a1 - a0) * (year - y0)) / (y1 - y0);
  }
  return last[1];
}
