/**
 * The modelled CPU meter: where a device has no power sensor, the runner's own CPU utilisation (its
 * process tree's CPU times, measured; never other processes') through Cloud Carbon Footprint's linear power model
 * (lib/core/measure/modelled.ts). Tier "modelled", method "estimated", with a range; never ranked
 * with measured energy. It is a cumulative counter of modelled joules, so the same windows cut it.
 */
import os from "node:os";
import { modelledPowerW, modelledRangeJ, utilisationBetween } from "../../../lib/core/measure/modelled";
import { processTreeCpuNs } from "../load";
import { nowNs, readPeriodically, type MeterRecorder, type PowerMeter } from "./meter";

export interface CpuTimes {
  busyMs: number;
  totalMs: number;
  threads: number;
}

/** Cumulative CPU times of all hardware threads (os.cpus(): Linux, macOS and Windows alike). */
export function osCpuTimes(): CpuTimes {
  const cpus = os.cpus();
  let busy = 0;
  let total = 0;
  for (const c of cpus) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busyMs: busy, totalMs: total, threads: cpus.length };
}

/**
 * This runner's process tree (it and its measuring child) as the machine's CPU times: a
 * neighbour's load is not the run's energy. Total is wall time x hardware threads.
 */
export function ownCpuTimes(): CpuTimes {
  const threads = os.cpus().length;
  return { busyMs: processTreeCpuNs() / 1e6, totalMs: (Number(process.hrtime.bigint()) / 1e6) * threads, threads };
}

export class ModelledCpuMeter implements PowerMeter {
  readonly sensor = "modelled:cpu";
  readonly scope = "package" as const;
  readonly method = "estimated" as const;
  readonly tier = "modelled" as const;
  constructor(
    private readonly readTimes: () => CpuTimes = ownCpuTimes,
    /** The OS updates CPU times every scheduler tick; 100 ms reads resolve utilisation well. */
    readonly periodMs = 100,
  ) {}

  async start(): Promise<MeterRecorder> {
    const tNs: number[] = [];
    const values: number[] = [];
    let prev: (CpuTimes & { tNs: number }) | null = null;
    let total = 0;
    let lastU = 0;
    const threads = this.readTimes().threads;
    const reading = await readPeriodically(
      async () => {
        const now = { ...this.readTimes(), tNs: nowNs() };
        if (prev) {
          // No CPU time passed (a read within one scheduler tick): the previous utilisation holds.
          const u = utilisationBetween(prev, now) ?? lastU;
          lastU = u;
          total += modelledPowerW(now.threads, u) * ((now.tNs - prev.tNs) / 1e9);
        }
        prev = now;
        return total;
      },
      this.periodMs,
      (t, j) => {
        tNs.push(t);
        values.push(j);
      },
    );
    return {
      stop: async () => {
        await reading.stop();
        return {
          kind: "energy",
          tNs,
          values,
          periodMs: this.periodMs,
          sensor: this.sensor,
          scope: this.scope,
          method: this.method,
          tier: this.tier,
          rangeJ: (energyJ: number, durationS: number) => modelledRangeJ(energyJ, durationS, threads),
        };
      },
    };
  }
}
