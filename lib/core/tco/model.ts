/**
 * Fleet-wide offload model, v2 (pure: no framework, database or Node imports).
 *
 * Year y, t = y - base year. Demand grows by G = (1 + g)^t; energy per token falls by
 * k_dc = (1 - dcEfficiencyGain)^t in the data center and k_dev = (1 - deviceEfficiencyGain)^t on devices.
 *
 * Demand (what the data center serves):
 *   top-down:  cost C = C0 G ($/yr) and average facility power P = P0 G (MW) are given; the token
 *              volume follows from the FLEET-AVERAGE facility energy per token j_fleet k_dc:
 *              T = P 8760 h 3.6e9 J/MWh / (j_fleet k_dc).
 *   bottom-up: T = users x queries/day x 365 x tokens/query x G, all served by the replaced model.
 * The cloud model a device replaces is a separate input: IT J/token j_rep (x PUE = facility).
 * Its work is cheaper (or dearer) per token than the fleet average by r = j_rep PUE / j_fleet
 * (top-down; 1 in bottom-up, where the replaced model serves all the demand).
 *
 * Offload share s: given (direct), or in coverage mode s = coverage x capable-device share, with the
 * escalation (fallback) rate rho. A ramp goes linearly from the start share to s over rampYears.
 * Share of DC work that leaves (tokens):  e = s [ f (1 - rho) + (1 - f)(1 - h) ].
 *
 * Data-center side (avoided):
 *   tokens moved T_dev = e T;  energy E_dc = T_dev j_rep PUE k_dc / 3.6e9 MWh  (top-down: = e P 8760 r);
 *   average power E_dc / 8760 (facility MW); provisioned x peak/average; IT MW = facility / PUE.
 *   cost, long run: top-down e C r (linear, as Tirias); bottom-up energy + provisioned IT MW x
 *   (capex CRF(r, n) + facility) x (1 + ops). Short run: energy only.
 *   carbon: E_dc CI_dc + provisioned IT MW x embodied per MW-year.  water: (E_dc / PUE) WUE + E_dc W_gen.
 * Device side (added):
 *   battery energy E_bat = T_dev j_dev k_dev / 3.6e9 MWh; wall energy E_wall = E_bat / eta.
 *   users' money: E_wall x residential price + E_bat x battery wear per kWh + AI-attributed upgrades
 *   (devices / life x upgrade share x e x device price).
 *   carbon: E_wall CI_users + (devices / life) x embodied x (AI share + upgrade share) x e.
 *   water: E_wall W_gen,users.
 * Who pays: the operator saves the DC cost, energy and carbon; users pay the device side; society
 * sees the difference (net). Zero offload moves nothing: every output is 0.
 */
import { ASSUMPTIONS, type AssumptionKey } from "./assumptions";

export const MODEL_VERSION = "2";
const J_PER_MWH = 3.6e9;
const HOURS_PER_YEAR = 8760;

export type TcoInputs = Record<AssumptionKey, number> & {
  mode: "topDown" | "bottomUp";
  /** direct: the offload share is given; coverage: derived from the small model's coverage. */
  offloadMode: "direct" | "coverage";
  baseYear: number;
  year: number;
  users: number;
  queriesPerUserPerDay: number;
  tokensPerQuery: number;
  /** Offload share in the base year when it ramps; the target share is reached after rampYears (0: no ramp). */
  offloadShareStart: number;
  rampYears: number;
  /** Years summed (cumulative totals, NPV) from `year` on. */
  horizonYears: number;
};

export interface Party {
  usd: number;
  mwh: number;
  tCo2e: number;
}

export interface TcoResult {
  year: number;
  /** The offload share in this year (after the ramp, or from coverage). */
  offloadShare: number;
  tokensPerYear: number;
  effectiveDcShare: number;
  dc: {
    energyAvoidedMwh: number;
    avgPowerAvoidedMw: number;
    provisionedAvoidedMw: number;
    provisionedItAvoidedMw: number;
    costAvoidedLongRunUsd: number;
    costAvoidedShortRunUsd: number;
    carbonAvoidedT: number;
    waterAvoidedM3: number;
  };
  device: {
    tokensPerYear: number;
    batteryEnergyMwh: number;
    energyAddedMwh: number;
    avgPowerAddedMw: number;
    electricityUsd: number;
    batteryWearUsd: number;
    upgradesUsd: number;
    carbonElectricityT: number;
    carbonEmbodiedT: number;
    carbonAddedT: number;
    waterAddedM3: number;
  };
  net: { energySavedMwh: number; carbonSavedT: number; waterSavedM3: number; usd: number };
  /** Who pays (+ saves, - pays) per year: the operator, the users, society (the sum). */
  whoPays: { operator: Party; users: Party; society: Party };
  /** Per device per day: the readouts that say whether the volume is plausible. */
  perDevice: { devices: number; tokensPerDay: number; batteryWhPerDay: number; wallWhPerDay: number; usdPerDay: number; batteryShare: number };
}

export function defaultInputs(): TcoInputs {
  const base = Object.fromEntries(Object.entries(ASSUMPTIONS).map(([k, v]) => [k, v.base])) as Record<AssumptionKey, number>;
  return {
    ...base,
    mode: "topDown",
    offloadMode: "direct",
    baseYear: 2028,
    year: 2028,
    users: 1e9,
    queriesPerUserPerDay: 10,
    tokensPerQuery: 1000,
    offloadShareStart: base.offloadShare,
    rampYears: 0,
    horizonYears: 5,
  };
}

/** Capital recovery factor: the share of a capital cost paid each year over n years at rate r. */
export function capitalRecoveryFactor(r: number, n: number): number {
  if (r === 0) return 1 / n;
  const g = (1 + r) ** n;
  return (r * g) / (g - 1);
}

/** The offload share in `year`: coverage x capable devices in coverage mode, along the ramp when there is one. */
export function offloadShareIn(i: TcoInputs, year: number): number {
  const target = i.offloadMode === "coverage" ? i.smallModelCoverage * i.capableDeviceShare : i.offloadShare;
  if (i.rampYears <= 0) return target;
  const t = Math.min(1, Math.max(0, (year - i.baseYear) / i.rampYears));
  return i.offloadShareStart + (target - i.offloadShareStart) * t;
}

/** Fraction of all DC GenAI work (tokens) that leaves the data center. */
export function effectiveDcShare(i: Pick<TcoInputs, "offloadShare" | "onDeviceFraction" | "cloudFallbackRate" | "hybridDcFraction">): number {
  return i.offloadShare * (i.onDeviceFraction * (1 - i.cloudFallbackRate) + (1 - i.onDeviceFraction) * (1 - i.hybridDcFraction));
}

const party = (usd: number, mwh: number, tCo2e: number): Party => ({ usd, mwh, tCo2e });

export function evaluate(i: TcoInputs): TcoResult {
  const t = i.year - i.baseYear;
  const growth = (1 + i.demandGrowth) ** t;
  const kDc = (1 - i.dcEfficiencyGain) ** t;
  const kDev = (1 - i.deviceEfficiencyGain) ** t;
  const s = offloadShareIn(i, i.year);
  const e = effectiveDcShare({ ...i, offloadShare: s });
  const replacedFacilityJ = i.dcItJPerToken * i.pue * kDc;

  let tokens: number;
  let energyAvoidedMwh: number;
  let topDownCost: number | null = null;
  if (i.mode === "topDown") {
    const powerMw = i.dcPowerMw * growth;
    tokens = (powerMw * HOURS_PER_YEAR * J_PER_MWH) / (i.fleetJPerToken * kDc);
    const r = replacedFacilityJ / (i.fleetJPerToken * kDc);
    energyAvoidedMwh = e * powerMw * HOURS_PER_YEAR * r;
    topDownCost = e * i.dcCostUsd * growth * r;
  } else {
    tokens = i.users * i.queriesPerUserPerDay * 365 * i.tokensPerQuery * growth;
    energyAvoidedMwh = (e * tokens * replacedFacilityJ) / J_PER_MWH;
  }
  const avgPowerAvoidedMw = energyAvoidedMwh / HOURS_PER_YEAR;
  const provisionedAvoidedMw = avgPowerAvoidedMw * i.peakToAverage;
  const provisionedItAvoidedMw = provisionedAvoidedMw / i.pue;
  const energyCost = energyAvoidedMwh * 1000 * i.dcElectricityUsdPerKwh;
  const capacityCost =
    provisionedItAvoidedMw * (i.capexUsdPerMw * capitalRecoveryFactor(i.discountRate, i.hardwareLifeYears) + i.facilityUsdPerMwYear) * (1 + i.opsFraction);
  const costAvoidedLongRunUsd = topDownCost ?? energyCost + capacityCost;
  const dcCarbonT = (energyAvoidedMwh * i.dcGridGPerKwh) / 1000 + provisionedItAvoidedMw * i.dcEmbodiedTPerMwYear;
  // 1 MWh x 1 L/kWh = 1,000 L = 1 m3, so MWh x L/kWh is m3.
  const dcWaterM3 = (energyAvoidedMwh / i.pue) * i.wueLPerKwh + energyAvoidedMwh * i.generationWaterLPerKwh;

  // Devices: the tokens that left the data center run there.
  const deviceTokens = e * tokens;
  const batteryMwh = (deviceTokens * i.deviceJPerToken * kDev) / J_PER_MWH;
  const wallMwh = batteryMwh / i.chargingEfficiency;
  const devices = i.mode === "bottomUp" ? i.users : i.devices;
  const purchasesPerYear = devices / i.deviceLifeYears;
  const electricityUsd = wallMwh * 1000 * i.residentialUsdPerKwh;
  const batteryWearUsd = batteryMwh * 1000 * i.batteryWearUsdPerKwh;
  const upgradesUsd = purchasesPerYear * i.aiUpgradeShare * e * i.devicePriceUsd;
  const carbonElectricityT = (wallMwh * i.deviceGridGPerKwh) / 1000;
  const carbonEmbodiedT = (purchasesPerYear * i.deviceEmbodiedKg * (i.aiEmbodiedShare + i.aiUpgradeShare) * e) / 1000;
  const deviceCarbonT = carbonElectricityT + carbonEmbodiedT;
  const deviceWaterM3 = wallMwh * i.userGenerationWaterLPerKwh;
  const usersUsd = electricityUsd + batteryWearUsd + upgradesUsd;

  const operator = party(costAvoidedLongRunUsd, energyAvoidedMwh, dcCarbonT);
  const users = party(-usersUsd, -wallMwh, -deviceCarbonT);
  const perDay = (x: number) => x / devices / 365;
  return {
    year: i.year,
    offloadShare: s,
    tokensPerYear: tokens,
    effectiveDcShare: e,
    dc: {
      energyAvoidedMwh,
      avgPowerAvoidedMw,
      provisionedAvoidedMw,
      provisionedItAvoidedMw,
      costAvoidedLongRunUsd,
      costAvoidedShortRunUsd: energyCost,
      carbonAvoidedT: dcCarbonT,
      waterAvoidedM3: dcWaterM3,
    },
    device: {
      tokensPerYear: deviceTokens,
      batteryEnergyMwh: batteryMwh,
      energyAddedMwh: wallMwh,
      avgPowerAddedMw: wallMwh / HOURS_PER_YEAR,
      electricityUsd,
      batteryWearUsd,
      upgradesUsd,
      carbonElectricityT,
      carbonEmbodiedT,
      carbonAddedT: deviceCarbonT,
      waterAddedM3: deviceWaterM3,
    },
    net: {
      energySavedMwh: energyAvoidedMwh - wallMwh,
      carbonSavedT: dcCarbonT - deviceCarbonT,
      waterSavedM3: dcWaterM3 - deviceWaterM3,
      usd: costAvoidedLongRunUsd - usersUsd,
    },
    whoPays: { operator, users, society: party(operator.usd + users.usd, operator.mwh + users.mwh, operator.tCo2e + users.tCo2e) },
    perDevice: {
      devices,
      tokensPerDay: perDay(deviceTokens),
      batteryWhPerDay: perDay(batteryMwh * 1e6),
      wallWhPerDay: perDay(wallMwh * 1e6),
      usdPerDay: perDay(usersUsd),
      batteryShare: perDay(batteryMwh * 1e6) / i.batteryWh,
    },
  };
}

/** Year-by-year results from the base year to `toYear`. */
export function trajectory(i: TcoInputs, toYear: number): TcoResult[] {
  const out: TcoResult[] = [];
  for (let y = i.baseYear; y <= toYear; y++) out.push(evaluate({ ...i, year: y }));
  return out;
}

export interface HorizonTotals {
  fromYear: number;
  years: number;
  results: TcoResult[];
  /** Sums over the horizon. */
  operatorUsd: number;
  usersUsd: number;
  netUsd: number;
  netEnergySavedMwh: number;
  netCarbonSavedT: number;
  /** Net present values at the cost of capital, the first year undiscounted: sum x_k / (1 + r)^k. */
  npvOperatorUsd: number;
  npvUsersUsd: number;
  npvNetUsd: number;
}

/** Cumulative totals and NPV over `horizonYears` from the chosen year. */
export function horizon(i: TcoInputs): HorizonTotals {
  const results: TcoResult[] = [];
  const sum = { operatorUsd: 0, usersUsd: 0, netUsd: 0, netEnergySavedMwh: 0, netCarbonSavedT: 0, npvOperatorUsd: 0, npvUsersUsd: 0, npvNetUsd: 0 };
  for (let k = 0; k < i.horizonYears; k++) {
    const r = evaluate({ ...i, year: i.year + k });
    results.push(r);
    const d = (1 + i.discountRate) ** k;
    sum.operatorUsd += r.whoPays.operator.usd;
    sum.usersUsd += r.whoPays.users.usd;
    sum.netUsd += r.whoPays.society.usd;
    sum.netEnergySavedMwh += r.net.energySavedMwh;
    sum.netCarbonSavedT += r.net.carbonSavedT;
    sum.npvOperatorUsd += r.whoPays.operator.usd / d;
    sum.npvUsersUsd += r.whoPays.users.usd / d;
    sum.npvNetUsd += r.whoPays.society.usd / d;
  }
  return { fromYear: i.year, years: i.horizonYears, results, ...sum };
}

export interface BreakEvens {
  /** Device J/token (battery side, the input's scope) at which net energy is 0; above it offload raises total energy. */
  energyBatteryJPerToken: number | null;
  /** The same at the wall (a device measured at the wall, charger included): the battery figure / charging efficiency. */
  energyWallJPerToken: number | null;
  /**
   * Device J/token (battery side) at which net carbon is 0; null when no device energy breaks even
   * (the devices' embodied share alone outweighs the data center's carbon, or users' grid is carbon-free).
   */
  carbonBatteryJPerToken: number | null;
}

/**
 * Break-evens, in the chosen year's device energy per token input (the base year's J/token, before
 * the trajectory's efficiency gain). Net energy 0: T_dev j k_dev / eta = E_dc. Net carbon 0:
 * C_dc = T_dev j k_dev / eta / 3.6e9 x CI_users / 1000 + embodied.
 */
export function breakEvens(i: TcoInputs): BreakEvens {
  const r = evaluate(i);
  const perJ = r.device.tokensPerYear * (1 - i.deviceEfficiencyGain) ** (i.year - i.baseYear); // battery J per unit of the input
  if (perJ === 0) return { energyBatteryJPerToken: null, energyWallJPerToken: null, carbonBatteryJPerToken: null };
  const energyBattery = (r.dc.energyAvoidedMwh * J_PER_MWH * i.chargingEfficiency) / perJ;
  const room = r.dc.carbonAvoidedT - r.device.carbonEmbodiedT;
  const carbon = i.deviceGridGPerKwh > 0 && room > 0 ? (room * 1000 * J_PER_MWH * i.chargingEfficiency) / (perJ * i.deviceGridGPerKwh) : null;
  return { energyBatteryJPerToken: energyBattery, energyWallJPerToken: energyBattery / i.chargingEfficiency, carbonBatteryJPerToken: carbon };
}

/** Battery-side break-even device energy per token (kept for callers of v1). */
export function breakEvenDeviceJPerToken(i: TcoInputs): number | null {
  return breakEvens(i).energyBatteryJPerToken;
}

/**
 * Offload share at which the net energy effect changes sign, by bisection over [0, 1]; null when it
 * keeps one sign (both sides scale with the share, so the sign is set by the energy per token on
 * each side, not by the share: see breakEvens).
 */
export function breakEvenOffloadShare(i: TcoInputs): number | null {
  const f = (s: number) => evaluate({ ...i, offloadMode: "direct", rampYears: 0, offloadShare: s }).net.energySavedMwh;
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
