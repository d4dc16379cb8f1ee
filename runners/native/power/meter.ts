/**
 * Power and energy meters behind one interface (after Zeus): a meter opens a measurement window
 * and closes it into a reading with its method (counter | sampled | estimated | unavailable),
 * scope (package | dram | gpu | soc | wall) and sensor. Hardware energy counters are preferred over
 * integrating sampled power. Where nothing can be measured the reading says "unavailable"; no
 * figure is ever made up.
 */
import type { PowerReading } from "../../../lib/core/contracts/submission";

export interface MeterWindow {
  close(): Promise<MeterResult>;
}

export interface MeterResult {
  reading: PowerReading;
  /** Power over time within the window (ms since its start, watts), when the meter can tell. */
  trace: { tMs: number[]; powerW: number[] } | null;
}

export interface PowerMeter {
  /** e.g. `intel-rapl:0`, `nvidia-smi:0`, `battery:BAT0`, `external:http`. */
  readonly sensor: string;
  readonly scope: PowerReading["scope"];
  readonly method: PowerReading["method"];
  /** Shortest window the meter can resolve, ms (counters update periodically). */
  readonly minWindowMs: number;
  begin(): Promise<MeterWindow>;
}

export const nowNs = () => process.hrtime.bigint();

/** Trapezoidal integral of power samples (ms, W) in joules. */
export function integrateJ(tMs: readonly number[], powerW: readonly number[]): number {
  let j = 0;
  for (let i = 1; i < tMs.length; i++) j += ((powerW[i]! + powerW[i - 1]!) / 2) * ((tMs[i]! - tMs[i - 1]!) / 1000);
  return j;
}

/**
 * A meter built from a function that returns instantaneous watts: samples every `intervalMs` and
 * integrates. Used by nvidia-smi (when no counter), batteries with power_now, external meters.
 */
export class SampledMeter implements PowerMeter {
  readonly method = "sampled" as const;
  constructor(
    readonly sensor: string,
    readonly scope: PowerReading["scope"],
    private readonly readWatts: () => Promise<number | null>,
    private readonly intervalMs = 100,
  ) {}
  get minWindowMs() {
    return this.intervalMs * 2;
  }
  async begin(): Promise<MeterWindow> {
    const start = nowNs();
    const tMs: number[] = [];
    const powerW: number[] = [];
    let stopped = false;
    const sample = async () => {
      const w = await this.readWatts().catch(() => null);
      if (w != null && Number.isFinite(w) && w >= 0) {
        tMs.push(Number(nowNs() - start) / 1e6);
        powerW.push(w);
      }
    };
    await sample();
    const loop = (async () => {
      while (!stopped) {
        await new Promise((r) => setTimeout(r, this.intervalMs));
        if (!stopped) await sample();
      }
    })();
    return {
      close: async () => {
        stopped = true;
        await loop;
        await sample();
        const durationNs = Number(nowNs() - start);
        const ok = tMs.length >= 2;
        // Hold the first and last samples to the window's edges so the integral covers all of it.
        const energyJ = ok ? integrateJ([0, ...tMs, durationNs / 1e6], [powerW[0]!, ...powerW, powerW[powerW.length - 1]!]) : null;
        return {
          reading: {
            method: ok ? "sampled" : "unavailable",
            scope: this.scope,
            sensor: this.sensor,
            durationNs: Math.max(1, durationNs),
            energyJ,
            avgPowerW: energyJ != null ? energyJ / (durationNs / 1e9) : null,
            idlePowerW: null,
          },
          trace: ok ? { tMs, powerW } : null,
        };
      },
    };
  }
}
