/**
 * Is the offloaded volume physically possible on the devices? (pure). Per device per day: the tokens
 * generated (moved, and tried before escalating to the data center), the share of a battery they drain, and the minutes of generation they take at the device's
 * sustained speed (thermal throttling included). A scenario over an "infeasible" limit has no
 * meaningful net, who-pays or NPV: the page withholds those headlines until the inputs change.
 *
 * Limits (estimates, stated so a reader can disagree with them):
 * - battery: a phone is sized for a day of its owner's other use; offloaded AI that drains more
 *   than half of a battery a day needs a second charge a day (infeasible), more than a quarter
 *   is a strain;
 * - generation time: more than 2 hours a day of continuous generation at the sustained
 *   (throttled) speed is infeasible for a phone in a pocket, more than 1 hour a strain;
 * - at most 24 hours a day, always.
 * A mains-powered device (a desktop) has no battery: it is checked by minutes of generation only.
 * The sustained speed is thermally bound: at a fixed power envelope, tokens/s rise as the device's
 * J/token falls, so in year y the speed is deviceTokensPerSec / k_dev and the power while generating
 * (J/token x tokens/s) stays what it is in the base year.
 */
import type { TcoInputs, TcoResult } from "./model";

export type FeasibilityLevel = "feasible" | "strained" | "infeasible";

export interface FeasibilityCheck {
  key: "battery" | "generation";
  label: string;
  value: number;
  unit: string;
  strainedAbove: number;
  infeasibleAbove: number;
  level: FeasibilityLevel;
}

export interface Feasibility {
  year: number;
  level: FeasibilityLevel;
  tokensPerDeviceDay: number;
  batteryShare: number;
  generationMinutesPerDay: number;
  /** Battery-side power while generating: J/token x tokens/s (W). */
  powerWhileGeneratingW: number;
  checks: FeasibilityCheck[];
}

export const FEASIBILITY_LIMITS = {
  batteryShare: { strainedAbove: 0.25, infeasibleAbove: 0.5 },
  generationMinutes: { strainedAbove: 60, infeasibleAbove: 120 },
} as const;

const MINUTES_PER_DAY = 24 * 60;
const levelOf = (v: number, strained: number, infeasible: number): FeasibilityLevel => (!(v <= infeasible) ? "infeasible" : v > strained ? "strained" : "feasible");
const worst = (ls: FeasibilityLevel[]): FeasibilityLevel => (ls.includes("infeasible") ? "infeasible" : ls.includes("strained") ? "strained" : "feasible");

/** The checks for one year's result (`r` from evaluate(i) for that year). */
export function feasibility(i: Pick<TcoInputs, "deviceTokensPerSec" | "deviceJPerToken" | "deviceEfficiencyGain" | "baseYear" | "powerSource">, r: TcoResult): Feasibility {
  const kDev = (1 - i.deviceEfficiencyGain) ** (r.year - i.baseYear);
  const minutes = (r.perDevice.tokensPerDay * kDev) / i.deviceTokensPerSec / 60;
  const b = FEASIBILITY_LIMITS.batteryShare;
  const g = FEASIBILITY_LIMITS.generationMinutes;
  const battery: FeasibilityCheck[] = [
    { key: "battery", label: "Battery drained per device per day", value: r.perDevice.batteryShare, unit: "fraction", ...b, level: levelOf(r.perDevice.batteryShare, b.strainedAbove, b.infeasibleAbove) },
  ];
  const checks: FeasibilityCheck[] = [
    ...(i.powerSource === "mains" ? [] : battery),
    {
      key: "generation",
      label: "Minutes of generation per device per day (sustained speed)",
      value: minutes,
      unit: "minutes",
      ...g,
      level: levelOf(minutes, g.strainedAbove, Math.min(g.infeasibleAbove, MINUTES_PER_DAY)),
    },
  ];
  return {
    year: r.year,
    level: worst(checks.map((c) => c.level)),
    tokensPerDeviceDay: r.perDevice.tokensPerDay,
    batteryShare: r.perDevice.batteryShare,
    generationMinutesPerDay: minutes,
    powerWhileGeneratingW: i.deviceJPerToken * i.deviceTokensPerSec,
    checks,
  };
}

/** The first year at the horizon's worst level: a total or an NPV is only as feasible as its worst year. */
export function worstFeasibility(i: Parameters<typeof feasibility>[0], results: TcoResult[]): Feasibility | null {
  let out: Feasibility | null = null;
  const rank = { feasible: 0, strained: 1, infeasible: 2 } as const;
  for (const r of results) {
    const f = feasibility(i, r);
    if (!out || rank[f.level] > rank[out.level]) out = f;
  }
  return out;
}
