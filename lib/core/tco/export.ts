/**
 * The scenario as CSV (pure): a header block (scenario, model version, horizon), every input with
 * its unit, kind and source, then one row per year of the chosen horizon. Dollars and energy are
 * signed the same way everywhere: + saves, − pays. Six significant digits.
 */
import { toCsv } from "../present/csv";
import { ADOPTION_CURVES, ASSUMPTIONS, ASSUMPTION_KEYS } from "./assumptions";
import { MODEL_VERSION, type HorizonTotals, type TcoInputs } from "./model";

const round = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : "");

export function scenarioCsv(name: string, inputs: TcoInputs, totals: HorizonTotals, exportedAt: Date): string {
  const meta = [
    { field: "scenario", value: name },
    { field: "model_version", value: MODEL_VERSION },
    { field: "exported_at", value: exportedAt.toISOString() },
    { field: "horizon", value: `${totals.fromYear}-${totals.fromYear + totals.years - 1} (${totals.years} years)` },
    { field: "sign_convention", value: "+ saves, - pays" },
  ];
  const choices = (["mode", "offloadMode", "replacedModel", "baseYear", "year", "users", "queriesPerUserPerDay", "tokensPerQuery", "offloadShareStart", "rampYears", "horizonYears", "discounting", "adoptionCurve", "powerSource"] as const).map((k) => ({
    input: k,
    value: inputs[k],
    unit: "",
    kind: "choice",
    source: k === "adoptionCurve" ? ADOPTION_CURVES[inputs.adoptionCurve].source : "",
  }));
  const assumptions = ASSUMPTION_KEYS.map((k) => ({ input: k, value: inputs[k], unit: ASSUMPTIONS[k].unit, kind: ASSUMPTIONS[k].kind, source: ASSUMPTIONS[k].source }));
  const years = totals.results.map((r) => ({
    year: r.year,
    offload_share: round(r.offloadShare),
    tokens_moved: round(r.device.tokensPerYear),
    dc_cost_avoided_long_run_usd: round(r.dc.costAvoidedLongRunUsd),
    dc_cost_avoided_short_run_usd: round(r.dc.costAvoidedShortRunUsd),
    dc_energy_avoided_mwh: round(r.dc.energyAvoidedMwh),
    dc_power_avoided_mw: round(r.dc.avgPowerAvoidedMw),
    users_usd: round(r.whoPays.users.usd),
    users_battery_wear_usd: round(-r.device.batteryWearUsd),
    users_upgrades_usd: round(-r.device.upgradesUsd),
    device_energy_mwh: round(-r.device.energyAddedMwh),
    net_usd: round(r.net.usd),
    net_usd_with_carbon: round(r.net.usdWithCarbon),
    net_energy_mwh: round(r.net.energySavedMwh),
    net_carbon_t: round(r.net.carbonSavedT),
    net_water_m3: round(r.net.waterSavedM3),
    battery_share_per_device_day: round(r.perDevice.batteryShare),
    tokens_per_device_day: round(r.perDevice.tokensPerDay),
    tokens_tried_on_devices_then_escalated: round(r.device.escalatedTokensPerYear),
  }));
  return [
    toCsv(meta, ["field", "value"]),
    toCsv([...choices, ...assumptions], ["input", "value", "unit", "kind", "source"]),
    toCsv(years, Object.keys(years[0] ?? { year: 0 }) as (keyof (typeof years)[number] & string)[]),
  ].join("\r\n");
}
