/**
 * Fleet-wide offload model (pure: no framework, database or Node imports).
 *
 * Demand, base year:
 *   top-down:  data-center cost C ($/yr) and average power P (MW) of GenAI are given; the tokens
 *              they serve follow from energy per token: T = P * 8760 h * 3.6e9 J/MWh / (j_it * PUE).
 *   bottom-up: T = users * queries/day * 365 * tokens/query; P = T * j_it * PUE / (8760 h * 3.6e9);
 *              C = energy cost + capacity cost (below).
 * Share of DC work removed (dimensionless):
 *   e = s * [ f_dev * (1 - fallback) + (1 - f_dev) * (1 - h_dc) ]
 *   s offload share, f_dev fully on-device fraction, h_dc part of hybrid work left in the DC.
 * Data-center side (what is avoided):
 *   energy E_dc = e * P * 8760 (MWh); average power e * P (MW); provisioned e * P * peak/avg (MW).
 *   top-down cost, long run: e * C (linear, as Tirias); short run: energy only, E_dc * price.
 *   bottom-up cost, long run: energy + provisioned IT MW * (capex * CRF(r, n) + facility) * (1 + ops).
 *   CRF(r, n) = r (1+r)^n / ((1+r)^n - 1), or 1/n at r = 0.
 * Device side (what is added): tokens moved to devices T_dev = T * s * (f_dev * (1 - fallback) +
 *   (1 - f_dev) * h_dc_complement), energy at the wall = T_dev * j_dev / charging efficiency.
 * Carbon: DC grid x DC energy + embodied DC hardware per provisioned MW; devices: users' grid.
 * Water: DC = IT energy * WUE + facility energy * generation water; devices: generation water.
 * Net (system-wide) = DC avoided - device added. It can be negative: offload raises total energy
 * when the cloud model it replaces is small and well batched.
 * Years after the base year scale demand by (1 + growth)^(year - base year).
 */
import { ASSUMPTIONS, type AssumptionKey } from "./assumptions";

export const MODEL_VERSION = "1";
const J_PER_MWH = 3.6e9;
const HOURS_PER_YEAR = 8760;

export type TcoInputs = Record<AssumptionKey, number> & {
  mode: "topDown" | "bottomUp";
  baseYear: number;
  year: number;
  users: number;
  queriesPerUserPerDay: number;
  tokensPerQuery: number;
};

export interface TcoResult {
  year: number;
  tokensPerYear: number;
  effectiveDcShare: number;
  dc: {
    energyAvoidedMwh: number;
    avgPowerAvoidedMw: number;
    provisionedAvoidedMw: number;
    costAvoidedLongRunUsd: number;
    costAvoidedShortRunUsd: number;
    carbonAvoidedT: number;
    waterAvoidedM3: number;
  };
  device: { tokensPerYear: number; energyAddedMwh: number; avgPowerAddedMw: number; carbonAddedT: number; waterAddedM3: number };
  net: { energySavedMwh: number; carbonSavedT: number; waterSavedM3: number };
}

export function defaultInputs(): TcoInputs {
  const base = Object.fromEntries(Object.entries(ASSUMPTIONS).map(([k, v]) => [k, v.base])) as Record<AssumptionKey, number>;
  return { ...base, mode: "topDown", baseYear: 2028, year: 2028, users: 1e9, queriesPerUserPerDay: 10, tokensPerQuery: 1000 };
}

/** Capital recovery factor: the share of a capital cost paid each year over n years at rate r. */
export function capitalRecoveryFactor(r: number, n: number): number {
  if (r === 0) return 1 / n;
  const g = (1 + r) ** n;
  return (r * g) / (g - 1);
}

/** Fraction of all DC GenAI work that leaves the data center. */
export function effectiveDcShare(i: Pick<TcoInputs, "offloadShare" | "onDeviceFraction" | "cloudFallbackRate" | "hybridDcFraction">): number {
  return i.offloadShare * (i.onDeviceFraction * (1 - i.cloudFallbackRate) + (1 - i.onDeviceFraction) * (1 - i.hybridDcFraction));
}

export function evaluate(i: TcoInputs): TcoResult {
  const growth = (1 + i.demandGrowth) ** (i.year - i.baseYear);
  const dcJPerToken = i.dcItJPerToken * i.pue; // facility J per token
  let powerMw: number;
  let tokens: number;
  let costUsd: number | null = null;
  if (i.mode === "topDown") {
    powerMw = i.dcPowerMw * growth;
    tokens = (powerMw * HOURS_PER_YEAR * J_PER_MWH) / dcJPerToken;
    costUsd = i.dcCostUsd * growth;
  } else {
    tokens = i.users * i.queriesPerUserPerDay * 365 * i.tokensPerQuery * growth;
    powerMw = (tokens * dcJPerToken) / J_PER_MWH / HOURS_PER_YEAR;
  }
  const e = effectiveDcShare(i);
  const energyAvoidedMwh = e * powerMw * HOURS_PER_YEAR;
  const avgPowerAvoidedMw = e * powerMw;
  const provisionedAvoidedMw = avgPowerAvoidedMw * i.peakToAverage;
  const energyCost = energyAvoidedMwh * 1000 * i.dcElectricityUsdPerKwh;
  const provisionedItMw = provisionedAvoidedMw / i.pue;
  const capacityCost =
    provisionedItMw * (i.capexUsdPerMw * capitalRecoveryFactor(i.discountRate, i.hardwareLifeYears) + i.facilityUsdPerMwYear) * (1 + i.opsFraction);
  const costAvoidedLongRunUsd = costUsd != null ? e * costUsd : energyCost + capacityCost;

  // Work that runs on devices: on-device requests that do not fall back, plus the device part of hybrid.
  const deviceTokens = tokens * i.offloadShare * (i.onDeviceFraction * (1 - i.cloudFallbackRate) + (1 - i.onDeviceFraction) * (1 - i.hybridDcFraction));
  const deviceEnergyMwh = (deviceTokens * i.deviceJPerToken) / i.chargingEfficiency / J_PER_MWH;

  const dcCarbonT = (energyAvoidedMwh * i.dcGridGPerKwh) / 1000 + provisionedAvoidedMw * i.dcEmbodiedTPerMwYear;
  const deviceCarbonT = (deviceEnergyMwh * i.deviceGridGPerKwh) / 1000;
  // 1 MWh x 1 L/kWh = 1,000 L = 1 m3, so MWh x L/kWh is m3.
  const dcWaterM3 = (energyAvoidedMwh / i.pue) * i.wueLPerKwh + energyAvoidedMwh * i.generationWaterLPerKwh;
  const deviceWaterM3 = deviceEnergyMwh * i.generationWaterLPerKwh;
  return {
    year: i.year,
    tokensPerYear: tokens,
    effectiveDcShare: e,
    dc: {
      energyAvoidedMwh,
      avgPowerAvoidedMw,
      provisionedAvoidedMw,
      costAvoidedLongRunUsd,
      costAvoidedShortRunUsd: energyCost,
      carbonAvoidedT: dcCarbonT,
      waterAvoidedM3: dcWaterM3,
    },
    device: {
      tokensPerYear: deviceTokens,
      energyAddedMwh: deviceEnergyMwh,
      avgPowerAddedMw: deviceEnergyMwh / HOURS_PER_YEAR,
      carbonAddedT: deviceCarbonT,
      waterAddedM3: deviceWaterM3,
    },
    net: {
      energySavedMwh: energyAvoidedMwh - deviceEnergyMwh,
      carbonSavedT: dcCarbonT - deviceCarbonT,
      waterSavedM3: dcWaterM3 - deviceWaterM3,
    },
  };
}

/** Year-by-year results from the base year to `toYear`. */
export function trajectory(i: TcoInputs, toYear: number): TcoResult[] {
  const out: TcoResult[] = [];
  for (let y = i.baseYear; y <= toYear; y++) out.push(evaluate({ ...i, year: y }));
  return out;
}

/**
 * Break-even device energy per token (J/token): above it, offload raises total energy.
 * Net energy = E_dc - T_dev * j_dev / eta = 0  =>  j_dev* = E_dc * eta / T_dev.
 */
export function breakEvenDeviceJPerToken(i: TcoInputs): number | null {
  const r = evaluate(i);
  if (r.device.tokensPerYear === 0) return null;
  return (r.dc.energyAvoidedMwh * J_PER_MWH * i.chargingEfficiency) / r.device.tokensPerYear;
}

/**
 * Offload share at which the net energy effect changes sign, by bisection over [0, 1]; null when it
 * keeps one sign (in this model both sides scale with the share, so the sign is set by the energy
 * per token on each side, not by the share: see breakEvenDeviceJPerToken).
 */
export function breakEvenOffloadShare(i: TcoInputs): number | null {
  const f = (s: number) => evaluate({ ...i, offloadShare: s }).net.energySavedMwh;
  let lo = 1e-6;
  let hi = 1;
  const flo = f(lo);
  const fhi = f(hi);
  if (flo === 0) return 0;
  if (Math.sign(flo) === Math.sign(fhi)) return null;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (Math.sign(f(mid)) === Math.sign(flo)) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
