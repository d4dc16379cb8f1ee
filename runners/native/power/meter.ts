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
    /**
     * How often the counter itself updates, ms, when slower than the polling (NVML's counter: tens
     * to hundreds of ms, measured at start). Only the reads where it changed are kept, so a window
     * shorter than one update gets that update's mean power times its length (flagged short), never
     * the zero or the step a staircase would give (Zeus: approx_instant_energy).
     */
    private readonly updatePeriodMs: number | null = null,
  ) {}

  async start(): Promise<MeterRecorder> {
    const tNs: number[] = [];
    const values: number[] = [];
    let last: number | null = null;
    let total = 0;
    const staircase = this.updatePeriodMs != null && this.updatePeriodMs > this.periodMs;
    const onRead = (t: number, j: number) => {
      if (last != null) {
        if (staircase && j === last) return; // not updated since the last kept read
        const wrapped = this.wrapJ == null ? null : j + this.wrapJ - last;
        total += j >= last ? j - last : wrapped != null && wrapped < this.wrapJ! / 2 ? wrapped : 0;
      }
      last = j;
      tNs.push(t);
      values.push(total);
    };
    // Between updates the reads only time them: read often enough to see each within ~5% of a period.
    const pollMs = staircase ? Math.max(1, Math.min(this.periodMs, Math.floor(this.updatePeriodMs! / 20))) : this.periodMs;
    const reading = await readPeriodically(this.readJoules, pollMs, onRead);
    return {
      stop: async () => {
        await reading.stop();
        // A staircase counter: read on until its next update, so the recording ends on one.
        if (staircase) {
          const kept = tNs.length;
          const until = nowNs() + 3 * this.updatePeriodMs! * 1e6;
          while (tNs.length === kept && nowNs() < until) {
            await new Promise((r) => setTimeout(r, 2));
            const v = await this.readJoules().catch(() => null);
            if (v != null && Number.isFinite(v)) onRead(nowNs(), v);
          }
        }
        return { kind: "energy", tNs, values, periodMs: Math.max(this.periodMs, this.updatePeriodMs ?? 0), sensor: this.sensor, scope: this.scope, method: this.method, tier: this.tier };
      },
    };
  }
}

/**
 * How often a cumulative counter updates, ms: the median time between changes while it is read
 * every `pollMs` for up to `forMs`; null when it changed fewer than 3 times (too slow to tell).
 */
export async function counterUpdatePeriodMs(read: () => number | null, forMs = 400, pollMs = 1): Promise<number | null> {
  const changes: number[] = [];
  let last = read();
  const end = nowNs() + forMs * 1e6;
  while (nowNs() < end) {
    await new Promise((r) => setTimeout(r, pollMs));
    const v = read();
    if (v != null && v !== last) {
      changes.push(nowNs());
      last = v;
    }
  }
  if (changes.length < 3) return null;
  const gaps = changes.slice(1).map((t, i) => (t - changes[i]!) / 1e6).sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}
