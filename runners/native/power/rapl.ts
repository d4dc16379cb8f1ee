/**
 * Linux RAPL through powercap sysfs: cumulative energy counters (µJ) per package and its DRAM
 * sub-domain. The counter wraps at max_energy_range_uj; deltas add the range back. Readable by root
 * only on recent kernels. Counters update about every 1 ms; windows shorter than that are flagged.
 */
import fs from "node:fs";
import path from "node:path";
import type { PowerReading } from "../../../lib/core/contracts/submission";
import { nowNs, type MeterWindow, type PowerMeter } from "./meter";

export function energyDeltaUj(before: number, after: number, maxRangeUj: number): number {
  return after >= before ? after - before : after + maxRangeUj - before;
}

export class RaplMeter implements PowerMeter {
  readonly method = "counter" as const;
  readonly minWindowMs = 1;
  constructor(
    private readonly dir: string,
    readonly sensor: string,
    readonly scope: PowerReading["scope"],
    private readonly maxRangeUj: number,
    private readonly traceIntervalMs = 100,
  ) {}

  private read(): number {
    return Number(fs.readFileSync(path.join(this.dir, "energy_uj"), "utf8").trim());
  }

  async begin(): Promise<MeterWindow> {
    const start = nowNs();
    const first = this.read();
    // Sample the counter periodically for the trace (and to catch more than one wrap in long windows).
    let last = first;
    let lastT = 0;
    let totalUj = 0;
    const tMs: number[] = [];
    const powerW: number[] = [];
    const timer = setInterval(() => {
      const v = this.read();
      const t = Number(nowNs() - start) / 1e6;
      const d = energyDeltaUj(last, v, this.maxRangeUj);
      totalUj += d;
      if (t > lastT) {
        tMs.push(t);
        powerW.push(d / 1e6 / ((t - lastT) / 1000));
      }
      last = v;
      lastT = t;
    }, this.traceIntervalMs);
    return {
      close: async () => {
        clearInterval(timer);
        const v = this.read();
        totalUj += energyDeltaUj(last, v, this.maxRangeUj);
        const durationNs = Math.max(1, Number(nowNs() - start));
        const energyJ = totalUj / 1e6;
        return {
          reading: { method: "counter", scope: this.scope, sensor: this.sensor, durationNs, energyJ, avgPowerW: energyJ / (durationNs / 1e9), idlePowerW: null },
          trace: tMs.length ? { tMs, powerW } : null,
        };
      },
    };
  }
}

/** Finds readable RAPL package and DRAM domains under a powercap root (a fixture tree in tests). */
export function detectRapl(root = "/sys/class/powercap"): RaplMeter[] {
  const meters: RaplMeter[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return meters;
  }
  for (const e of entries.sort()) {
    if (!/^intel-rapl:\d+(:\d+)?$/.test(e)) continue;
    const dir = path.join(root, e);
    try {
      const name = fs.readFileSync(path.join(dir, "name"), "utf8").trim();
      const max = Number(fs.readFileSync(path.join(dir, "max_energy_range_uj"), "utf8").trim());
      Number(fs.readFileSync(path.join(dir, "energy_uj"), "utf8").trim()); // readable?
      const scope = name.startsWith("package") ? "package" : name === "dram" ? "dram" : null;
      if (scope && Number.isFinite(max) && max > 0) meters.push(new RaplMeter(dir, e, scope, max));
    } catch {
      /* not readable (permissions) or incomplete */
    }
  }
  return meters;
}
