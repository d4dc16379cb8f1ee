/**
 * Validation and URL encoding of TCO inputs: every field is checked against its bounds (shares in
 * 0..1, finite, no absurd magnitudes), errors are reported per field, and a shared URL carries only
 * the inputs that differ from the defaults.
 */
import { z } from "zod";
import "../contracts/zod-browser";
import { ADOPTION_CURVES, ASSUMPTIONS, ASSUMPTION_KEYS, type AdoptionCurveKey } from "./assumptions";
import { fmt, usd } from "./format";
import { defaultInputs, type TcoInputs } from "./model";

/**
 * A plain decimal number as text: digits with an optional point, sign and decimal exponent ("0.25",
 * "-3", "1.5e9", "5e-7": what String(number) writes for the inputs a URL carries). Not hex, octal or
 * binary ("0x10", which Number() reads as 16), "Infinity", "NaN", separators ("1,000", "1_000").
 */
const PLAIN_DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
export const isPlainDecimal = (text: string): boolean => PLAIN_DECIMAL.test(text.trim());

/**
 * A number from a form, a URL or JSON: a blank, whitespace or null is refused with a field message
 * (z.coerce would read "" and null as 0), and so is text that is not a plain decimal (Number() would
 * read "0x10" as 16 and "Infinity" as a number).
 */
const num = (min: number, max: number, label: string) =>
  z
    .union([z.number(), z.string()], { error: `${label}: enter a number` })
    .transform((v, ctx) => {
      if (typeof v === "string" && v.trim() === "") {
        ctx.addIssue({ code: "custom", message: `${label}: enter a number (it is blank)` });
        return z.NEVER;
      }
      if (typeof v === "string" && !isPlainDecimal(v)) {
        ctx.addIssue({ code: "custom", message: `${label}: enter a number in plain decimals, such as 0.25 or 1.5e9 (not "${v.trim().slice(0, 20)}")` });
        return z.NEVER;
      }
      return Number(v);
    })
    .refine((v) => !Number.isNaN(v), `${label}: enter a number`)
    .refine(Number.isFinite, `${label}: enter a finite number`)
    .refine((v) => v >= min && v <= max, `${label}: must be between ${min} and ${max}`);

const ADOPTION_CURVE_KEYS = Object.keys(ADOPTION_CURVES) as [AdoptionCurveKey, ...AdoptionCurveKey[]];

export const inputsSchema = z.object({
  ...Object.fromEntries(ASSUMPTION_KEYS.map((k) => [k, num(ASSUMPTIONS[k].min, ASSUMPTIONS[k].max, ASSUMPTIONS[k].label)])),
  mode: z.enum(["topDown", "bottomUp"], { error: "mode must be topDown or bottomUp" }),
  baseYear: num(2020, 2050, "Base year").pipe(z.number().int("Base year: a whole year")),
  year: num(2020, 2060, "Year").pipe(z.number().int("Year: a whole year")),
  users: num(1, 1e11, "Users"),
  queriesPerUserPerDay: num(0, 1e5, "Queries per user per day"),
  tokensPerQuery: num(0, 1e7, "Tokens per query"),
  offloadMode: z.enum(["direct", "coverage"], { error: "offloadMode must be direct or coverage" }),
  offloadShareStart: num(0, 1, "Offload share at the start of the ramp"),
  rampYears: num(0, 30, "Ramp years").pipe(z.number().int("Ramp years: a whole number")),
  horizonYears: num(1, 30, "Horizon").pipe(z.number().int("Horizon: a whole number of years")),
  replacedModel: z.enum(["fleet", "custom"], { error: "replacedModel must be fleet or custom" }),
  discounting: z.enum(["start", "mid", "end"], { error: "discounting must be start, mid or end" }),
  adoptionCurve: z.enum(ADOPTION_CURVE_KEYS, { error: `adoptionCurve must be one of ${ADOPTION_CURVE_KEYS.join(", ")}` }),
  powerSource: z.enum(["battery", "mains"], { error: "powerSource must be battery or mains" }),
});

/** The top-down baseline's base-year electricity bill: average facility MW x 8,760 h x 1,000 kWh/MWh x the DC price (USD). */
export function energyBillUsd(i: Pick<TcoInputs, "dcPowerMw" | "dcElectricityUsdPerKwh">): number {
  return i.dcPowerMw * 8760 * 1000 * i.dcElectricityUsdPerKwh;
}

export type FieldErrors = Partial<Record<keyof TcoInputs, string>>;

export function validateInputs(raw: Record<string, unknown>): { ok: true; inputs: TcoInputs } | { ok: false; errors: FieldErrors } {
  const r = inputsSchema.safeParse(raw);
  // A missing field is named as such (zod's message would be about its type).
  const missing = Object.keys(inputsSchema.shape).filter((k) => raw[k] === undefined);
  const errors: FieldErrors = {};
  for (const k of missing) errors[k as keyof TcoInputs] = `${k}: missing`;
  for (const issue of r.success ? [] : r.error.issues) {
    const k = String(issue.path[0] ?? "") as keyof TcoInputs;
    errors[k] ??= issue.message;
  }
  // Cross-field check, reported even when other fields are wrong too.
  const year = Number(raw.year);
  const baseYear = Number(raw.baseYear);
  if (!errors.year && !errors.baseYear && year < baseYear) errors.year = "Year: must not be before the base year";
  // Top-down: the baseline's cost holds its electricity, so it cannot be below its own energy bill
  // (the long-run cost avoided would fall below the short run's).
  if (raw.mode === "topDown" && !errors.mode && !errors.dcCostUsd && !errors.dcPowerMw && !errors.dcElectricityUsdPerKwh) {
    const costUsd = Number(raw.dcCostUsd);
    const powerMw = Number(raw.dcPowerMw);
    const priceUsdPerKwh = Number(raw.dcElectricityUsdPerKwh);
    const billUsd = energyBillUsd({ dcPowerMw: powerMw, dcElectricityUsdPerKwh: priceUsdPerKwh });
    if (costUsd < billUsd) {
      errors.dcCostUsd =
        `${ASSUMPTIONS.dcCostUsd.label}: ${usd(costUsd)} is below its own electricity bill, ${usd(billUsd)} (${fmt(powerMw, 0)} MW x 8,760 h x $${priceUsdPerKwh}/kWh), ` +
        "so the long-run cost avoided would fall below the short run's: raise the cost, or lower the power or the price";
    }
  }
  if (r.success && Object.keys(errors).length === 0) return { ok: true, inputs: r.data as TcoInputs };
  return { ok: false, errors };
}

/**
 * The page's own parameters, not inputs: which measured device reference /tco shows. The address bar
 * keeps them while the inputs change (withPageParams); an input edit does not change the reference.
 */
export const PAGE_PARAMS = ["deviceRef", "deviceClass"] as const;
const ACTION_PARAMS = ["preset", "scenario"];

/** `next` with the page parameters `current` has (the address the inputs are written into). */
export function withPageParams(next: URLSearchParams, current: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(next);
  for (const k of PAGE_PARAMS) {
    const v = current.get(k);
    if (v != null) out.set(k, v);
  }
  return out;
}

/** Inputs from URL parameters over the defaults; unknown parameters are reported, not ignored. */
export function inputsFromSearchParams(params: URLSearchParams, base: TcoInputs = defaultInputs()) {
  const raw: Record<string, unknown> = { ...base };
  const unknown: string[] = [];
  for (const [k, v] of params) {
    if (k in base) raw[k] = v;
    else if (k === "fleetJPerToken") {
      // a v2 link: facility J; text that is not a plain decimal is kept as typed, so it is refused with its message
      const pue = params.get("pue") ?? String(base.pue);
      raw.fleetItJPerToken = isPlainDecimal(v) && isPlainDecimal(pue) ? String(Number(v) / Number(pue)) : v;
    }
    else if (!ACTION_PARAMS.includes(k) && !(PAGE_PARAMS as readonly string[]).includes(k)) unknown.push(k);
  }
  const r = validateInputs(raw);
  return { ...r, unknown };
}

export function inputsToSearchParams(i: TcoInputs, base: TcoInputs = defaultInputs()): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of Object.keys(i) as (keyof TcoInputs)[]) if (i[k] !== base[k]) p.set(k, String(i[k]));
  return p;
}

/**
 * Inputs saved by an earlier version of the model (a scenario): the fields it did not have take
 * their defaults. v2 stored the fleet average as facility J/token (v3: IT, x PUE); v1 did not
 * separate it from the replaced model's, so there the fleet is the replaced model (r = 1) and the
 * old scenario's base-year results hold. (v3 grows tokens, not power, with demand: later years differ.)
 */
export function upgradeInputs(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaultInputs(), ...raw };
  const pue = Number(raw.pue ?? out.pue);
  if (raw.fleetItJPerToken === undefined && raw.fleetJPerToken !== undefined) out.fleetItJPerToken = Number(raw.fleetJPerToken) / pue;
  else if (raw.fleetItJPerToken === undefined && raw.dcItJPerToken !== undefined) out.fleetItJPerToken = Number(raw.dcItJPerToken);
  if (raw.offloadShareStart === undefined && raw.offloadShare !== undefined) out.offloadShareStart = raw.offloadShare;
  // Before the adoption curve every purchase the offload needed was charged: such a scenario keeps that attribution.
  if (raw.adoptionCurve === undefined) out.adoptionCurve = "none";
  // v2 gave battery wear per kWh directly: kept as the marginal share of the service price per kWh (at most all of it).
  if (raw.batteryWearMarginalShare === undefined && raw.batteryWearUsdPerKwh !== undefined) {
    const full = Number(out.batteryServiceUsd) / (Number(out.batteryCycleLife) * (Number(out.batteryWh) / 1000));
    out.batteryWearMarginalShare = Math.min(1, Number(raw.batteryWearUsdPerKwh) / full);
  }
  return out;
}
