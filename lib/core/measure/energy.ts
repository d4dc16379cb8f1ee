/**
 * Energy of a workload and per token (pure). A workload's readings hold the energy of its timed
 * repetitions only: each repetition's [t0, t1] is cut out of each sensor's recording
 * (energy-window.ts) and summed. "Above idle" subtracts the idle power of the same sensors over
 * those intervals (interpolated between the baselines before and after the run, interpolatedIdleW):
 * the energy the inference added; it is not clamped (a negative value says the baseline moved more
 * than the workload added: noise).
 */
import { ENERGY_TIERS, type EnergyPerToken, type EnergyTier, type PowerReading, type PowerScope } from "../contracts/submission";
import { energyInWindow, type Recording } from "./energy-window";

/** One timed repetition, ns of the monotonic clock the meters stamp their reads with. */
export interface RepInterval {
  t0Ns: number;
  t1Ns: number;
}

export interface SensorRecordingLike extends Recording {
  sensor: string;
  scope: PowerScope;
  method: "counter" | "sampled" | "estimated";
  tier: EnergyTier;
  /** A modelled sensor's range for an energy over a window of `durationS` seconds. */
  rangeJ?: (energyJ: number, durationS: number) => [number, number];
}

/**
 * An idle baseline: each sensor's idle reading (its mean power over the baseline window) and the
 * middle of that window, ns of the monotonic clock the repetitions are stamped with.
 */
export interface IdleBaseline {
  readings: readonly PowerReading[];
  midNs: number;
}

const idleReadingW = (b: IdleBaseline | null, sensor: string): number | null =>
  b?.readings.find((r) => r.sensor === sensor && r.method !== "unavailable" && r.avgPowerW != null)?.avgPowerW ?? null;

/**
 * Idle power of `sensor` over the repetitions' intervals, W, interpolated between the baseline taken
 * before the workloads and the one taken after them.
 *
 * It assumes the idle power moves linearly in time between the middles of the two baseline windows
 * (a slow drift: the package and the room warming, a battery's voltage sagging, a steady
 * background ramp). The idle energy under an interval is then the interpolated power at its middle
 * times its length, and over several intervals the power at their duration-weighted mean middle, so
 * the figure times the intervals' total length is the idle energy those intervals hold. A step or
 * an excursion between the baselines is not linear, and nothing here can see it: the server flags a
 * workload whose baselines moved far apart for what it added (plausibility.ts, `idle_drift`).
 * Times outside the two middles take the nearer baseline (no extrapolation). Without an
 * after-baseline for the sensor: the before-baseline, as before interpolation; without a
 * before-baseline: null (no above-idle figure).
 */
export function interpolatedIdleW(sensor: string, before: IdleBaseline, after: IdleBaseline | null, intervals: readonly RepInterval[]): number | null {
  const beforeW = idleReadingW(before, sensor);
  if (beforeW == null) return null;
  const afterW = idleReadingW(after, sensor);
  const totalNs = intervals.reduce((a, i) => a + (i.t1Ns - i.t0Ns), 0);
  if (afterW == null || after == null || after.midNs <= before.midNs || totalNs <= 0) return beforeW;
  const meanMidNs = intervals.reduce((a, i) => a + ((i.t0Ns + i.t1Ns) / 2) * (i.t1Ns - i.t0Ns), 0) / totalNs;
  const share = Math.min(1, Math.max(0, (meanMidNs - before.midNs) / (after.midNs - before.midNs)));
  return beforeW + (afterW - beforeW) * share;
}

/** Per sensor: the workload's reading (timed intervals only) and each repetition's energy. */
export function workloadReadings(recordings: readonly SensorRecordingLike[], intervals: readonly RepInterval[]): { reading: PowerReading; repEnergyJ: (number | null)[] }[] {
  const durationNs = Math.max(1, intervals.reduce((a, i) => a + (i.t1Ns - i.t0Ns), 0));
  return recordings.map((r) => {
    const reps = intervals.map((i) => energyInWindow(r, i.t0Ns, i.t1Ns));
    const covered = reps.length > 0 && reps.every((x) => x != null);
    const energyJ = covered ? reps.reduce((a, x) => a + x!.energyJ, 0) : null;
    return {
      reading: {
        method: covered ? r.method : "unavailable",
        scope: r.scope,
        sensor: r.sensor,
        durationNs: Math.round(durationNs),
        energyJ,
        avgPowerW: energyJ == null ? null : energyJ / (durationNs / 1e9),
        idlePowerW: null,
        tier: r.tier,
        flags: [...(reps.some((x) => x?.short) ? ["short_window" as const] : []), ...(reps.some((x) => x?.gap) ? ["gap" as const] : [])],
        rangeJ: energyJ != null && r.rangeJ ? r.rangeJ(energyJ, durationNs / 1e9) : null,
      },
      repEnergyJ: reps.map((x) => x?.energyJ ?? null),
    };
  });
}

/** Scopes that describe the whole device, widest first; else the non-overlapping parts are summed. */
const WHOLE_DEVICE: PowerScope[] = ["wall", "battery", "soc"];
const PARTS: PowerScope[] = ["package", "dram", "gpu"];

/**
 * The readings that best describe the device: the widest whole-device scope measured (wall, battery,
 * SoC), else CPU package + DRAM + GPU where measured (they do not overlap). Its scope label, sensors
 * and tier (the worst of its sensors). Null when nothing was measured.
 */
export function deviceScope(readings: readonly PowerReading[]): { parts: PowerReading[]; scope: string; tier: EnergyTier | null } | null {
  const usable = readings.filter((r) => r.method !== "unavailable" && r.energyJ != null);
  let parts: PowerReading[] = [];
  for (const scope of WHOLE_DEVICE) {
    // Two batteries deliver together (sum them); two wall meters would measure the same socket (take one).
    const found = usable.filter((x) => x.scope === scope);
    if (found.length) {
      parts = scope === "battery" ? found : [found[0]!];
      break;
    }
  }
  if (parts.length === 0) parts = PARTS.flatMap((scope) => usable.filter((x) => x.scope === scope));
  if (parts.length === 0) return null;
  const scope = [...new Set(parts.map((p) => p.scope))].join("+");
  const tiers = parts.map((p) => (p.tier == null ? ENERGY_TIERS.length : ENERGY_TIERS.indexOf(p.tier)));
  const worst = Math.max(...tiers);
  return { parts, scope, tier: worst < ENERGY_TIERS.length ? ENERGY_TIERS[worst]! : null };
}

/** The device's energy in its scope: total, idle power of the same sensors (over its window), window length. */
export function deviceEnergy(
  readings: readonly PowerReading[],
): { energyJ: number; rangeJ: [number, number] | null; idleW: number | null; durationNs: number; scope: string; sensors: string[]; tier: EnergyTier | null } | null {
  const d = deviceScope(readings);
  if (!d) return null;
  const idle = d.parts.every((p) => p.idlePowerW != null) ? d.parts.reduce((a, p) => a + p.idlePowerW!, 0) : null;
  // A modelled part widens the sum by its range; measured parts add their energy to both ends.
  const modelled = d.parts.some((p) => p.rangeJ != null);
  return {
    energyJ: d.parts.reduce((a, p) => a + p.energyJ!, 0),
    rangeJ: modelled ? [d.parts.reduce((a, p) => a + (p.rangeJ?.[0] ?? p.energyJ!), 0), d.parts.reduce((a, p) => a + (p.rangeJ?.[1] ?? p.energyJ!), 0)] : null,
    idleW: idle,
    durationNs: Math.max(...d.parts.map((p) => p.durationNs)),
    scope: d.scope,
    sensors: d.parts.map((p) => p.sensor),
    tier: d.tier,
  };
}

export function energyPerToken(readings: readonly PowerReading[], tokens: number): EnergyPerToken | null {
  const e = deviceEnergy(readings);
  if (!e || tokens <= 0) return null;
  const above = e.idleW == null ? null : e.energyJ - e.idleW * (e.durationNs / 1e9);
  return {
    totalJ: e.energyJ / tokens,
    aboveIdleJ: above == null ? null : above / tokens,
    scope: e.scope,
    sensors: e.sensors,
    tier: e.tier,
    rangeJ: e.rangeJ ? [e.rangeJ[0] / tokens, e.rangeJ[1] / tokens] : null,
  };
}

/** Each repetition's energy in the device scope chosen from `readings` (null where a part is missing). */
export function repetitionEnergies(readings: readonly PowerReading[], repEnergyBySensor: ReadonlyMap<string, readonly (number | null)[]>, repetitions: number): (number | null)[] {
  const d = deviceScope(readings);
  return Array.from({ length: repetitions }, (_, i) => {
    if (!d) return null;
    let sum = 0;
    for (const p of d.parts) {
      const v = repEnergyBySensor.get(p.sensor)?.[i];
      if (v == null) return null;
      sum += v;
    }
    return sum;
  });
}
