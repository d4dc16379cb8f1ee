/**
 * Fleet-wide offload model, v3 (pure: no framework, database or Node imports).
 *
 * Year y, t = y - base year. Token demand grows by G = (1 + g)^t in both modes; energy per token falls
 * by k_dc = (1 - dcEfficiencyGain)^t in the data center and k_dev = (1 - deviceEfficiencyGain)^t on devices.
 *
 * Energy per token in the data center, IT (x PUE = facility; PUE applies to both):
 *   fleet average j_fleet; the cloud model a device replaces j_rep = j_fleet when replacedModel is
 *   "fleet" (the offloaded work is average work: r = 1), else the input dcItJPerToken. r = j_rep / j_fleet.
 * Demand and baseline (what the data center serves and spends in year y):
 *   top-down:  base-year cost C0 and average facility power P0 are given; base-year tokens
 *              T0 = P0 8760 h 3.6e9 J/MWh / (j_fleet PUE); T = T0 G; baseline energy
 *              B_E = T j_fleet PUE k_dc / 3.6e9 = P0 8760 G k_dc (MWh); baseline cost B_C = C0 G k_dc.
 *   bottom-up: T = users x queries/day x 365 x tokens/query x G, all served by the replaced model:
 *              B_E = T j_rep PUE k_dc / 3.6e9, and r = 1.
 * Offload share s: given (direct), or in coverage mode s = coverage x capable-device share (the
 * coverage already leaves out what escalates, so rho is not applied again). A ramp goes linearly from
 * the start share to s over rampYears. Share of DC tokens that leave:
 *   direct:   e = s [ f (1 - rho) + (1 - f)(1 - h) ];   coverage: e = s [ f + (1 - f)(1 - h) ].
 * Share of the baseline's energy and cost avoided: q = min(1, e r). Moved work never exceeds the
 * baseline's (a replaced model dearer than j_fleet / e would need more energy than the fleet uses:
 * `replacedCapped` says so).
 *
 * Data-center side (avoided):
 *   tokens moved T_dev = e T;  energy E_dc = q B_E;  average power E_dc / 8760 (facility MW);
 *   provisioned x peak/average; IT MW = facility / PUE.
 *   cost, long run: top-down q B_C (linear, as Tirias); bottom-up energy + provisioned IT MW x
 *   (capex CRF(r, n) + facility) x (1 + ops). Short run (an existing fleet): energy x price only.
 *   Electricity prices (DC and residential) x (1 + priceEscalation)^t (real change; 0 = constant).
 *   carbon: E_dc CI_dc + provisioned IT MW x embodied per MW-year.  water: (E_dc / PUE) WUE + E_dc W_gen.
 * Device side (added):
 *   requests tried on the device and then escalated (direct mode): T_esc = s f rho T. The data center
 *   serves them again (they are outside e), and the device's attempt is charged in full (it generated
 *   before it escalated). Coverage mode: T_esc = 0 (the uncovered queries go to the data center
 *   without a device attempt, as a router that knows the coverage up front would send them).
 *   device energy E_bat = (T_dev + T_esc) j_dev k_dev / 3.6e9 MWh (battery side; a mains device's own
 *   side of its power supply); wall energy E_wall = E_bat / eta (charger or power supply).
 *   battery wear per kWh w = service price / (cycle life x capacity kWh) x marginal share; 0 on mains.
 *   AI-attributed purchases (the adoption curve): A_y = share of year y's device sales AI-capable anyway
 *   (a sourced forecast, `capableSalesShare`; 0 for the curve "none"). Running the share s of demand
 *   (on-device or hybrid) needs s of the purchases AI-capable; the market supplies A_y of them, so the
 *   offload is charged for m = max(0, s - A_y) of the purchases (0 at s = 0, non-decreasing in s, at
 *   most 1 - A_y; with "none", m = s).
 *   users' money: E_wall x residential price + E_bat w + upgrades (devices / life x m x upgrade share
 *   x device price).
 *   carbon: E_wall CI_users + (devices / life) x m x embodied x (AI share + upgrade share).
 *   water: E_wall W_gen,users.
 * Who pays: the operator saves the DC cost (long run; short run beside it), energy and carbon; users
 * pay the device side; society sees the difference (net). With a carbon price p_c, society's dollars
 * with carbon = net dollars + p_c x net carbon saved. $ per million tokens moved: DC cost avoided
 * (long run) / T_dev x 1e6 and users' dollars / T_dev x 1e6. Per device per day: the tokens the devices
 * generate (T_dev + T_esc), E_bat and E_wall / devices / 365 (devices = users in bottom-up); battery
 * share = battery Wh per day / capacity (0 on mains).
 * Check: the operator's long run (capacity too) is never below its short run (energy bill); top-down
 * inputs whose base-year cost is below its own electricity bill are refused (inputs.ts), and a later
 * year where escalating prices bring the bill above the cost is flagged (`longRunBelowShortRun`).
 * Horizon: totals over horizonYears from `year`; NPV valued at the start of `year`, year k discounted
 * by (1 + r)^(k + o), o = 0, 0.5 or 1 (discounting at the start, middle or end of each year).
 * Zero offload moves nothing: every output is 0.
 */
import { ASSUMPTIONS, capableSalesShare, type AdoptionCurveKey, type AssumptionKey } from "./assumptions";

export const MODEL_VERSION = "3.1";
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
  /** "fleet": the offloaded work is the fleet's average work (r = 1); "custom": dcItJPerToken. */
  replacedModel: "fleet" | "custom";
  /** When in each year its flows are discounted, valued at the start of `year`: start (the first year undiscounted), mid-year or end. */
  discounting: "start" | "mid" | "end";
  /** Share of device sales AI-capable anyway, by year (assumptions.ts ADOPTION_CURVES): the offload is charged only for purchases beyond it. */
  adoptionCurve: AdoptionCurveKey;
  /** "battery": phones and laptops; "mains": a desktop (no battery: no wear, feasibility by minutes only). */
  powerSource: "battery" | "mains";
};

const DISCOUNT_OFFSET = { start: 0, mid: 0.5, end: 1 } as const;

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
  /** Share of the baseline's energy and cost avoided: min(1, e r). */
  baselineShareAvoided: number;
  /** True when e r > 1 was capped: the replaced model cannot use more energy than the whole fleet. */
  replacedCapped: boolean;
  /**
   * True when the long-run cost avoided (capacity too) is below the short run's energy bill: in
   * top-down, a baseline cost C0 below its own electricity bill (refused in the base year by
   * validateInputs) or a later year whose escalating price makes it so. The inputs contradict each other.
   */
  longRunBelowShortRun: boolean;
  baseline: { energyMwh: number; costUsd: number };
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
    /** Tokens moved: served on the devices instead of the data center (e T). */
    tokensPerYear: number;
    /** Tokens of requests tried on the devices and then escalated to the data center (s f rho T; 0 in coverage mode): charged here, served there too. */
    escalatedTokensPerYear: number;
    batteryEnergyMwh: number;
    energyAddedMwh: number;
    avgPowerAddedMw: number;
    electricityUsd: number;
    batteryWearUsd: number;
    batteryWearUsdPerKwh: number;
    /** Share of sales AI-capable anyway this year (A_y) and the share of purchases charged to the offload, m = max(0, s - A_y). */
    capableSalesShare: number;
    attributedPurchaseShare: number;
    upgradesUsd: number;
    carbonElectricityT: number;
    carbonEmbodiedT: number;
    carbonAddedT: number;
    waterAddedM3: number;
  };
  net: { energySavedMwh: number; carbonSavedT: number; waterSavedM3: number; usd: number; usdWithCarbon: number };
  /**
   * Who pays (+ saves, - pays) per year: the operator (long run: its capacity shrinks too), the users,
   * society (the sum); the short-run views count the operator's energy bill only (an existing fleet).
   */
  whoPays: { operator: Party; users: Party; society: Party; operatorShortRunUsd: number; societyShortRunUsd: number };
  /** $ per million tokens: what the data center spends on the moved work, what the devices add per moved token. */
  usdPerMTokens: { dc: number; device: number };
  /** Per device per day: the readouts that say whether the volume is plausible (tokensPerDay: what the devices generate, moved and tried-then-escalated tokens both). */
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
    replacedModel: "custom",
    discounting: "start",
    adoptionCurve: "phones",
    powerSource: "battery",
  };
}

/** Capital recovery factor: the share of a capital cost paid each year over n years at rate r. */
export function capitalRecoveryFactor(r: number, n: number): number {
  if (r === 0) return 1 / n;
  // (1 + r)^n - 1 via expm1/log1p: exact for rates so small that (1 + r)^n rounds to 1
  const gMinus1 = Math.expm1(n * Math.log1p(r));
  return (r * (gMinus1 + 1)) / gMinus1;
}

/** The offload share in `year`: coverage x capable devices in coverage mode, along the ramp when there is one. */
export function offloadShareIn(i: TcoInputs, year: number): number {
  const target = i.offloadMode === "coverage" ? i.smallModelCoverage * i.capableDeviceShare : i.offloadShare;
  if (i.rampYears <= 0) return target;
  const t = Math.min(1, Math.max(0, (year - i.baseYear) / i.rampYears));
  return i.offloadShareStart + (target - i.offloadShareStart) * t;
}

/**
 * Fraction of all DC GenAI work (tokens) that leaves the data center. In coverage mode the escalations
 * are already outside the coverage, so the fallback rate is not applied again.
 */
export function effectiveDcShare(
  i: Pick<TcoInputs, "offloadShare" | "onDeviceFraction" | "cloudFallbackRate" | "hybridDcFraction"> & { offloadMode?: TcoInputs["offloadMode"] },
): number {
  const kept = i.offloadMode === "coverage" ? 0 : i.cloudFallbackRate;
  return i.offloadShare * (i.onDeviceFraction * (1 - kept) + (1 - i.onDeviceFraction) * (1 - i.hybridDcFraction));
}

/**
 * Fraction of all DC GenAI work (tokens) tried on a device and then escalated to the data center:
 * the fallback rate of the on-device share, s f rho, in direct mode. Coverage mode: 0, the uncovered
 * queries are taken to go to the data center without a device attempt (the model has no input for a
 * device that tries everything first).
 */
export function escalatedShare(
  i: Pick<TcoInputs, "offloadShare" | "onDeviceFraction" | "cloudFallbackRate"> & { offloadMode?: TcoInputs["offloadMode"] },
): number {
  return i.offloadMode === "coverage" ? 0 : i.offloadShare * i.onDeviceFraction * i.cloudFallbackRate;
}

/** IT J/token of the replaced cloud model: the fleet's when the offloaded work is average work. */
export function replacedItJPerToken(i: Pick<TcoInputs, "replacedModel" | "fleetItJPerToken" | "dcItJPerToken">): number {
  return i.replacedModel === "fleet" ? i.fleetItJPerToken : i.dcItJPerToken;
}

/** Battery wear per kWh cycled through the battery: the service price over the energy of its cycle life, marginal share of it. */
export function batteryWearUsdPerKwh(i: Pick<TcoInputs, "batteryServiceUsd" | "batteryCycleLife" | "batteryWh" | "batteryWearMarginalShare"> & { powerSource?: TcoInputs["powerSource"] }): number {
  if (i.powerSource === "mains") return 0;
  return (i.batteryServiceUsd / (i.batteryCycleLife * (i.batteryWh / 1000))) * i.batteryWearMarginalShare;
}

/**
 * Share of the year's device purchases charged to the offload: those it needs AI-capable (the share s
 * of demand it moves, on-device or hybrid) beyond the share the market sells AI-capable anyway.
 */
export function attributedPurchaseShare(offloadShare: number, capableShare: number): number {
  return Math.max(0, offloadShare - capableShare);
}

const party = (usd: number, mwh: number, tCo2e: number): Party => ({ usd, mwh, tCo2e });

export function evaluate(i: TcoInputs): TcoResult {
  const t = i.year - i.baseYear;
  const growth = (1 + i.demandGrowth) ** t;
  const kDc = (1 - i.dcEfficiencyGain) ** t;
  const kDev = (1 - i.deviceEfficiencyGain) ** t;
  const s = offloadShareIn(i, i.year);
  const e = effectiveDcShare({ ...i, offloadShare: s });
  const jRep = replacedItJPerToken(i);
  // Real electricity prices change by (1 + priceEscalation)^t on both sides (0: constant real prices).
  const escalation = (1 + i.priceEscalation) ** t;
  const dcPrice = i.dcElectricityUsdPerKwh * escalation;

  // Bottom-up cost of one MWh of facility energy: the energy, plus the provisioned IT capacity it needs.
  const capacityUsdPerMwh =
    ((i.peakToAverage / i.pue / HOURS_PER_YEAR) * (i.capexUsdPerMw * capitalRecoveryFactor(i.discountRate, i.hardwareLifeYears) + i.facilityUsdPerMwYear)) *
    (1 + i.opsFraction);
  let tokens: number;
  let baselineMwh: number;
  let baselineCostUsd: number;
  let ratio = 1;
  if (i.mode === "topDown") {
    tokens = ((i.dcPowerMw * HOURS_PER_YEAR * J_PER_MWH) / (i.fleetItJPerToken * i.pue)) * growth;
    baselineMwh = i.dcPowerMw * HOURS_PER_YEAR * growth * kDc;
    baselineCostUsd = i.dcCostUsd * growth * kDc;
    ratio = jRep / i.fleetItJPerToken;
  } else {
    tokens = i.users * i.queriesPerUserPerDay * 365 * i.tokensPerQuery * growth;
    baselineMwh = (tokens * jRep * i.pue * kDc) / J_PER_MWH;
    baselineCostUsd = baselineMwh * (1000 * dcPrice + capacityUsdPerMwh);
  }
  const q = Math.min(1, e * ratio);
  const energyAvoidedMwh = q * baselineMwh;
  const avgPowerAvoidedMw = energyAvoidedMwh / HOURS_PER_YEAR;
  const provisionedAvoidedMw = avgPowerAvoidedMw * i.peakToAverage;
  const provisionedItAvoidedMw = provisionedAvoidedMw / i.pue;
  const energyCost = energyAvoidedMwh * 1000 * dcPrice;
  const costAvoidedLongRunUsd = q * baselineCostUsd;
  const dcCarbonT = (energyAvoidedMwh * i.dcGridGPerKwh) / 1000 + provisionedItAvoidedMw * i.dcEmbodiedTPerMwYear;
  // 1 MWh x 1 L/kWh = 1,000 L = 1 m3, so MWh x L/kWh is m3.
  const dcWaterM3 = (energyAvoidedMwh / i.pue) * i.wueLPerKwh + energyAvoidedMwh * i.generationWaterLPerKwh;

  // Devices: the tokens that left the data center run there, and so do the attempts that escalated
  // (the data center serves those again: they are outside e, the device's energy is spent all the same).
  const deviceTokens = e * tokens;
  const escalatedTokens = escalatedShare({ ...i, offloadShare: s }) * tokens;
  const batteryMwh = ((deviceTokens + escalatedTokens) * i.deviceJPerToken * kDev) / J_PER_MWH;
  const wallMwh = batteryMwh / i.chargingEfficiency;
  const devices = i.mode === "bottomUp" ? i.users : i.devices;
  const purchasesPerYear = devices / i.deviceLifeYears;
  const electricityUsd = wallMwh * 1000 * i.residentialUsdPerKwh * escalation;
  const wearPerKwh = batteryWearUsdPerKwh(i);
  const batteryWearUsd = batteryMwh * 1000 * wearPerKwh;
  const capable = capableSalesShare(i.adoptionCurve, i.year);
  const m = attributedPurchaseShare(s, capable);
  const upgradesUsd = purchasesPerYear * m * i.aiUpgradeShare * i.devicePriceUsd;
  const carbonElectricityT = (wallMwh * i.deviceGridGPerKwh) / 1000;
  const carbonEmbodiedT = (purchasesPerYear * m * i.deviceEmbodiedKg * (i.aiEmbodiedShare + i.aiUpgradeShare)) / 1000;
  const deviceCarbonT = carbonElectricityT + carbonEmbodiedT;
  const deviceWaterM3 = wallMwh * i.userGenerationWaterLPerKwh;
  const usersUsd = electricityUsd + batteryWearUsd + upgradesUsd;

  const operator = party(costAvoidedLongRunUsd, energyAvoidedMwh, dcCarbonT);
  const users = party(-usersUsd, -wallMwh, -deviceCarbonT);
  const perDay = (x: number) => x / devices / 365;
  const netCarbonT = dcCarbonT - deviceCarbonT;
  const perM = (usdPerYear: number) => (deviceTokens > 0 ? (usdPerYear / deviceTokens) * 1e6 : 0);
  // Slack for rounding: the two sides are the same product in another order when the cost is the bill alone.
  const longRunBelowShortRun = costAvoidedLongRunUsd < energyCost * (1 - 1e-9) - 1e-6;
  return {
    year: i.year,
    offloadShare: s,
    tokensPerYear: tokens,
    effectiveDcShare: e,
    baselineShareAvoided: q,
    replacedCapped: e * ratio > 1,
    longRunBelowShortRun,
    baseline: { energyMwh: baselineMwh, costUsd: baselineCostUsd },
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
      escalatedTokensPerYear: escalatedTokens,
      batteryEnergyMwh: batteryMwh,
      energyAddedMwh: wallMwh,
      avgPowerAddedMw: wallMwh / HOURS_PER_YEAR,
      electricityUsd,
      batteryWearUsd,
      batteryWearUsdPerKwh: wearPerKwh,
      capableSalesShare: capable,
      attributedPurchaseShare: m,
      upgradesUsd,
      carbonElectricityT,
      carbonEmbodiedT,
      carbonAddedT: deviceCarbonT,
      waterAddedM3: deviceWaterM3,
    },
    net: {
      energySavedMwh: energyAvoidedMwh - wallMwh,
      carbonSavedT: netCarbonT,
      waterSavedM3: dcWaterM3 - deviceWaterM3,
      usd: costAvoidedLongRunUsd - usersUsd,
      usdWithCarbon: costAvoidedLongRunUsd - usersUsd + i.carbonPriceUsdPerT * netCarbonT,
    },
    whoPays: {
      operator,
      users,
      society: party(operator.usd + users.usd, operator.mwh + users.mwh, operator.tCo2e + users.tCo2e),
      operatorShortRunUsd: energyCost,
      societyShortRunUsd: energyCost - usersUsd,
    },
    usdPerMTokens: { dc: perM(costAvoidedLongRunUsd), device: perM(usersUsd) },
    perDevice: {
      devices,
      tokensPerDay: perDay(deviceTokens + escalatedTokens),
      batteryWhPerDay: perDay(batteryMwh * 1e6),
      wallWhPerDay: perDay(wallMwh * 1e6),
      usdPerDay: perDay(usersUsd),
      batteryShare: i.powerSource === "mains" ? 0 : perDay(batteryMwh * 1e6) / i.batteryWh,
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
  /** Net present values at the cost of capital, valued at the start of the first year: sum x_k / (1 + r)^(k + o), o = 0 (start), 0.5 (mid-year), 1 (end). */
  npvOperatorUsd: number;
  npvUsersUsd: number;
  npvNetUsd: number;
  /** The operator's short-run view (energy bill only) and society's with it. */
  npvOperatorShortRunUsd: number;
  npvNetShortRunUsd: number;
  /** Society's NPV with net carbon valued at the carbon price. */
  npvNetWithCarbonUsd: number;
}

/** Cumulative totals and NPV over `horizonYears` from the chosen year. */
export function horizon(i: TcoInputs): HorizonTotals {
  const results: TcoResult[] = [];
  const sum = {
    operatorUsd: 0,
    usersUsd: 0,
    netUsd: 0,
    netEnergySavedMwh: 0,
    netCarbonSavedT: 0,
    npvOperatorUsd: 0,
    npvUsersUsd: 0,
    npvNetUsd: 0,
    npvOperatorShortRunUsd: 0,
    npvNetShortRunUsd: 0,
    npvNetWithCarbonUsd: 0,
  };
  for (let k = 0; k < i.horizonYears; k++) {
    const r = evaluate({ ...i, year: i.year + k });
    results.push(r);
    const d = (1 + i.discountRate) ** (k + DISCOUNT_OFFSET[i.discounting]);
    sum.operatorUsd += r.whoPays.operator.usd;
    sum.usersUsd += r.whoPays.users.usd;
    sum.netUsd += r.whoPays.society.usd;
    sum.netEnergySavedMwh += r.net.energySavedMwh;
    sum.netCarbonSavedT += r.net.carbonSavedT;
    sum.npvOperatorUsd += r.whoPays.operator.usd / d;
    sum.npvUsersUsd += r.whoPays.users.usd / d;
    sum.npvNetUsd += r.whoPays.society.usd / d;
    sum.npvOperatorShortRunUsd += r.whoPays.operatorShortRunUsd / d;
    sum.npvNetShortRunUsd += r.whoPays.societyShortRunUsd / d;
    sum.npvNetWithCarbonUsd += r.net.usdWithCarbon / d;
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
  /**
   * What the break-evens are computed from: "share": the chosen year's offload; "first-tokens": no
   * offload that year, so from the per-token economics of the first tokens moved (the limit as the
   * share goes to 0 with the chosen routing; both sides scale with the share, so it is the break-even
   * of any small share); "nothing-moved": the routing moves no work to the devices (all of it hybrid,
   * all of the hybrid work still in the data center): there is no device energy to break even, every
   * figure is null.
   */
  basis: "share" | "first-tokens" | "nothing-moved";
}

/** A share small enough that nothing is capped (q = e r < 1) and large enough for exact ratios. */
const FIRST_TOKENS_SHARE = 1e-6;

/**
 * Break-evens, in the chosen year's device energy per token input (the base year's J/token, before
 * the trajectory's efficiency gain). Net energy 0: (T_dev + T_esc) j k_dev / eta = E_dc. Net carbon 0:
 * C_dc = (T_dev + T_esc) j k_dev / eta / 3.6e9 x CI_users / 1000 + embodied. At zero offload they are
 * those of the first tokens moved (basis "first-tokens"), not null: uncapped, the energy break-even
 * j* = j_rep PUE eta (k_dc / k_dev) e / (e + s f rho) does not depend on the share, only on its routing.
 */
export function breakEvens(i: TcoInputs): BreakEvens {
  const chosen = evaluate(i);
  const firstTokens = chosen.offloadShare === 0;
  // Coverage mode's routing at a small share: direct, with no escalation (coverage charges no device attempt).
  const at = firstTokens
    ? { ...i, offloadMode: "direct" as const, rampYears: 0, offloadShare: FIRST_TOKENS_SHARE, cloudFallbackRate: i.offloadMode === "coverage" ? 0 : i.cloudFallbackRate }
    : i;
  const r = firstTokens ? evaluate(at) : chosen;
  const tokensRun = r.device.tokensPerYear + r.device.escalatedTokensPerYear;
  const perJ = tokensRun * (1 - i.deviceEfficiencyGain) ** (i.year - i.baseYear); // battery J per unit of the input
  if (perJ === 0) return { energyBatteryJPerToken: null, energyWallJPerToken: null, carbonBatteryJPerToken: null, basis: "nothing-moved" };
  const energyBattery = (r.dc.energyAvoidedMwh * J_PER_MWH * i.chargingEfficiency) / perJ;
  const room = r.dc.carbonAvoidedT - r.device.carbonEmbodiedT;
  const carbon = i.deviceGridGPerKwh > 0 && room > 0 ? (room * 1000 * J_PER_MWH * i.chargingEfficiency) / (perJ * i.deviceGridGPerKwh) : null;
  return {
    energyBatteryJPerToken: energyBattery,
    energyWallJPerToken: energyBattery / i.chargingEfficiency,
    carbonBatteryJPerToken: carbon,
    basis: firstTokens ? "first-tokens" : "share",
  };
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
