/**
 * Energy per token (pure). Readings cover the timed repetitions of one workload; per-token energy is
 * energy / tokens processed in them. "Above idle" subtracts the idle power of the same sensors,
 * measured before the run, times the window: the energy the inference itself added.
 */
import type { PowerReading } from "../contracts/submission";

/** Which readings best describe the device: the widest scope measured. */
const SCOPE_PRIORITY: PowerReading["scope"][] = ["wall", "soc", "package", "gpu"];

/**
 * Total of the most complete scope available: wall or SoC alone; else CPU package plus DRAM plus
 * GPU where measured (they do not overlap). Null when nothing was measured.
 */
export function deviceEnergy(readings: readonly PowerReading[]): { energyJ: number; idleW: number | null; durationNs: number } | null {
  const usable = readings.filter((r) => r.method !== "unavailable" && r.energyJ != null);
  for (const scope of SCOPE_PRIORITY.slice(0, 2)) {
    const r = usable.find((x) => x.scope === scope);
    if (r) return { energyJ: r.energyJ!, idleW: r.idlePowerW, durationNs: r.durationNs };
  }
  const parts = usable.filter((x) => x.scope === "package" || x.scope === "dram" || x.scope === "gpu");
  if (parts.length === 0) return null;
  const idle = parts.every((p) => p.idlePowerW != null) ? parts.reduce((a, p) => a + p.idlePowerW!, 0) : null;
  return { energyJ: parts.reduce((a, p) => a + p.energyJ!, 0), idleW: idle, durationNs: Math.max(...parts.map((p) => p.durationNs)) };
}

export function energyPerToken(
  readings: readonly PowerReading[],
  tokens: number,
): { totalJ: number | null; aboveIdleJ: number | null } | null {
  const e = deviceEnergy(readings);
  if (!e || tokens <= 0) return null;
  const above = e.idleW == null ? null : Math.max(0, e.energyJ - e.idleW * (e.durationNs / 1e9));
  return { totalJ: e.energyJ / tokens, aboveIdleJ: above == null ? null : above / tokens };
}
