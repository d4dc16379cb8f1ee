/**
 * The measuring set-up of a native session, chosen one way for `tokenwatt bench` (runners/cli/bench.ts)
 * and the fleet agent (runners/agent/measure-native.ts): the engine, the power meters, the
 * temperature probe, the idle-power baseline and whether the memory bandwidth is measured. Each
 * caller adds what is its own (the device, the model, the workloads, llama.cpp's options).
 */
import { detectMeters } from "./power";
import type { SessionOptions } from "./session";
import { detectThermal, type ThermalProbe } from "./thermal";

/** Spread into runSession's options. */
export type NativeSessionPlan = Pick<SessionOptions, "meters" | "idleSeconds" | "bandwidthGBps"> & { engine: "node-llama-cpp"; thermal: ThermalProbe };

export interface NativePlanOptions {
  /** false: no power meter (readings "unavailable"), and so no idle baseline. */
  power: boolean;
  /** External meters: an HTTP endpoint answering JSON watts, a command printing watts. */
  meterUrl?: string;
  meterCommand?: string;
  /** false: no temperatures or battery level read. */
  thermal: boolean;
  /** A command printing the CPU/SoC temperature (°C, or millidegrees). */
  tempCommand?: string;
  /** false: skip the memory-bandwidth benchmark (the roofline stays unknown). */
  bandwidth: boolean;
  /** The idle-power baseline measured before the run, seconds; used only where a meter reads power. */
  idleSeconds: number;
  /** Where the meters' notes go (each prefixed "note: "). */
  log(message: string): void;
}

export async function prepareNativeSession(o: NativePlanOptions): Promise<NativeSessionPlan> {
  const { meters, notes } = await detectMeters({ none: !o.power, meterUrl: o.meterUrl, meterCommand: o.meterCommand });
  notes.forEach((n) => o.log(`note: ${n}`));
  // The temperature every workload starts at, and a sustained run's per-interval readings.
  const thermal = await detectThermal({ none: !o.thermal, tempCommand: o.tempCommand });
  return {
    engine: "node-llama-cpp",
    meters,
    thermal,
    idleSeconds: meters.length ? o.idleSeconds : 0,
    bandwidthGBps: o.bandwidth ? undefined : null,
  };
}
