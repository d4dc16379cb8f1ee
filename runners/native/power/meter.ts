/**
 * Power and energy meters behind one interface (after Zeus). A meter records while a workload's
 * timed repetitions run: a cumulative energy counter read periodically (RAPL), or instantaneous
 * power sampled periodically (nvidia-smi, batteries, external meters, powermetrics). Every read is
 * stamped with the monotonic clock the measuring child stamps its repetitions with
 * (process.hrtime.bigint(), CLOCK_MONOTONIC), so the energy of each repetition is cut out of the
 * recording at exactly its start and end (lib/core/measure/energy-window.ts). No figure is made up:
 * a meter that could not read says so.
 */
import type { EnergyTier, PowerReading, PowerScope } from "../../../lib/core/contracts/submission";
import type { Recording } from "../../../lib/core/measure/energy-window";

export const nowNs = () => Number(process.hrtime.bigint());

/** What one sensor recorded, with what it is. */
export interface SensorRecording extends Recording {
  sensor: string;
  scope: PowerScope;
  method: Extract<PowerReading["method"], "counter" | "sampled" | "estimated">;
  tier: EnergyTier;
  /** A modelled sensor's range for an energy over a window (s); measured sensors have none. */
  rangeJ?: (energyJ: number, durationS: number) => [number, number];
}

export interface MeterRecorder {
  /** Takes a last read and returns everything recorded since start. */
  stop(): Promise<SensorRecording>;
}

export interface PowerMeter {
  /** e.g. `intel-rapl:0`, `nvidia-smi:0`, `battery:BAT0`, `external:http`. */
  readonly sensor: string;
  readonly scope: PowerScope;
  readonly method: "counter" | "sampled" | "estimated";
  readonly tier: EnergyTier;
  /** How often the meter reads its sensor, ms: windows shorter than a few periods are flagged. */
  readonly periodMs: number;
  /** Starts recording; resolves once the first read is in. */
  start(): Promise<MeterRecorder>;
}

/** Trapezoidal integral of power samples (ms, W) in joules. */
export function integrateJ(tMs: readonly number[], powerW: readonly number[]): number {
  let j = 0;
  for (let i = 1; i < tMs.length; i++) j += ((powerW[i]! + powerW[i - 1]!) / 2) * ((tMs[i]! - tMs[i - 1]!) / 1000);
  return j;
}

/**
 * Reads a value every `periodMs` from the first read (awaited) until stopped; stopping takes one
 * last read. Each read is stamped at the middle of the read (a command meter takes milliseconds to
 * answer), not when its answer arrives. Failed reads leave a gap, never a made-up value.
 */
export async function readPeriodically(read: () => Promise<number | null>, periodMs: number, onRead: (tNs: number, v: number) => void): Promise<{ stop(): Promise<void> }> {
  let stopped = false;
  const once = async () => {
    const before = nowNs();
    const v = await read().catch(() => null);
    const after = nowNs();
    if (v != null && Number.isFinite(v)) onRead((before + after) / 2, v);
  };
  await once();
  const loop = (async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, periodMs));
      if (!stopped) await once();
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      await once();
    },
  };
}

/** A meter that returns instantaneous watts on demand, sampled every `periodMs`. */
export class SampledMeter implements PowerMeter {
  readonly method = "sampled" as const;
  constructor(
    readonly sensor: string,
    readonly scope: PowerScope,
    private readonly readWatts: () => Promise<number | null>,
    readonly periodMs = 100,
    readonly tier: EnergyTier = scope === "battery" ? "battery" : "sampled",
    /** How often the sensor itself updates, ms, when slower than the polling (a battery's few seconds). */
    private readonly sensorPeriodMs = periodMs,
  ) {}

  async start(): Promise<MeterRecorder> {
    const tNs: number[] = [];
    const values: number[] = [];
    const reading = await readPeriodically(this.readWatts, this.periodMs, (t, w) => {
      if (w >= 0) {
        tNs.push(t);
        values.push(w);
      }
    });
    return {
      stop: async () => {
        await reading.stop();
        return { kind: "power", tNs, values, periodMs: Math.max(this.periodMs, this.sensorPeriodMs), sensor: this.sensor, scope: this.scope, method: this.method, tier: this.tier };
      },
    };
  }
}

/**
 * A meter with a cumulative energy counter (joules since any origin), read every `periodMs`; the
 * recording is the unwrapped cumulative energy. A counter that wraps at `wrapJ` (RAPL) adds the
 * range back when it drops, if the step that gives is plausible (under half the range); any other
 * drop (a reset, a glitch, a counter that never wraps: `wrapJ` null) adds nothing.
 */
export class CounterMeter implements PowerMeter {
  readonly method = "counter" as const;
  constructor(
    readonly sensor: string,
    readonly scope: PowerScope,
    private readonly readJoules: () => Promise<number | null>,
    private readonly wrapJ: number | null,
    readonly periodMs = 20,
    readonly tier: EnergyTier = "counter",
  ) {}

  async start(): Promise<MeterRecorder> {
    const tNs: number[] = [];
    const values: number[] = [];
    let last: number | null = null;
    let total = 0;
    const reading = await readPeriodically(this.readJoules, this.periodMs, (t, j) => {
      if (last != null) {
        const wrapped = this.wrapJ == null ? null : j + this.wrapJ - last;
        total += j >= last ? j - last : wrapped != null && wrapped < this.wrapJ! / 2 ? wrapped : 0;
      }
      last = j;
      tNs.push(t);
      values.push(total);
    });
    return {
      stop: async () => {
        await reading.stop();
        return { kind: "energy", tNs, values, periodMs: this.periodMs, sensor: this.sensor, scope: this.scope, method: this.method, tier: this.tier };
      },
    };
  }
}
