/** Finds the meters this device has, measures the idle baseline, and records all meters at once. */
import type { Backend, PowerReading } from "../../../lib/core/contracts/submission";
import { interpolatedIdleW, type IdleBaseline, type RepInterval } from "../../../lib/core/measure/energy";
import { meanPowerW } from "../../../lib/core/measure/energy-window";
import { detectBattery } from "./battery";
import { externalCommandMeter, externalHttpMeter } from "./external";
import { nowNs, type PowerMeter, type SensorRecording } from "./meter";
import { ModelledCpuMeter } from "./modelled";
import { detectNvidia } from "./nvidia";
import { nvmlMeters, openNvml } from "./nvml";
import { detectPowermetrics } from "./powermetrics";
import { detectRapl } from "./rapl";

export interface MeterOptions {
  meterUrl?: string;
  meterCommand?: string;
  raplRoot?: string;
  batteryRoot?: string;
  nvidiaCommand?: string;
  /** NVML library (tests load a stand-in); default libnvidia-ml.so.1. */
  nvmlLibrary?: string;
  /** Where no sensor exists, model CPU energy from utilisation (default true). */
  modelled?: boolean;
  /** Turn all meters off (readings "unavailable"). */
  none?: boolean;
}

export async function detectMeters(o: MeterOptions = {}): Promise<{ meters: PowerMeter[]; notes: string[] }> {
  if (o.none) return { meters: [], notes: ["power meters turned off (--no-power)"] };
  const notes: string[] = [];
  const rapl = detectRapl(o.raplRoot);
  if (rapl.unreadable.length) notes.push(`RAPL energy counters exist (${rapl.unreadable.join(", ")}) but are not readable: run as root to measure CPU package energy`);
  // NVIDIA: NVML's energy counter where the GPU has one; nvidia-smi sampling for the others.
  const nvml = await openNvml(o.nvmlLibrary);
  if (nvml.note) notes.push(nvml.note);
  const counted = new Set(nvml.gpus.map((g) => `nvidia-smi:${g.index}:`));
  const smi = (await detectNvidia(o.nvidiaCommand)).filter((m) => ![...counted].some((p) => m.sensor.startsWith(p)));
  const meters: PowerMeter[] = [...rapl.meters, ...detectBattery(o.batteryRoot), ...nvmlMeters(nvml.gpus), ...smi];
  const pm = await detectPowermetrics();
  meters.push(...pm.meters);
  if (pm.note) notes.push(pm.note);
  if (o.meterUrl) meters.push(externalHttpMeter(o.meterUrl));
  if (o.meterCommand) meters.push(externalCommandMeter(o.meterCommand));
  if (meters.length === 0 && o.modelled !== false) {
    meters.push(new ModelledCpuMeter());
    notes.push("no power sensor found (RAPL, battery, nvidia-smi, powermetrics, external): CPU energy is modelled from measured CPU utilisation (Cloud Carbon Footprint's W-per-thread model), labelled \"modelled\" with its range, never ranked with measured energy");
  } else if (meters.length === 0) notes.push("no power meter found (RAPL, battery, nvidia-smi, powermetrics, external): energy is reported as unavailable");
  return { meters, notes };
}

/** Which GPUs a run may use, as CUDA sees them (CUDA_VISIBLE_DEVICES, CUDA_DEVICE_ORDER). */
export interface GpuSelection {
  visibleDevices?: string;
  deviceOrder?: string;
}

/** The NVIDIA index in a GPU meter's sensor name (`nvml:1`, `nvidia-smi:1:power.draw.instant`). */
const nvidiaIndex = (sensor: string) => /^(?:nvml|nvidia-smi):(\d+)(?::|$)/.exec(sensor)?.[1];

/**
 * The meters a run on `backend` reads: a CPU run reads no GPU; a CUDA run reads the GPUs CUDA may
 * use. llama.cpp splits a model over every visible GPU, so without CUDA_VISIBLE_DEVICES that is all
 * of them. nvidia-smi and NVML number GPUs by PCI bus, CUDA fastest first unless
 * CUDA_DEVICE_ORDER=PCI_BUS_ID: only then (or with one GPU) do the numbers match; otherwise every
 * GPU is read and the note says why.
 */
export function metersFor(meters: readonly PowerMeter[], backend: Backend, gpus: GpuSelection = {}): { meters: PowerMeter[]; notes: string[] } {
  if (backend === "cpu") return { meters: meters.filter((m) => m.scope !== "gpu"), notes: [] };
  const visible = gpus.visibleDevices?.trim();
  if (backend !== "cuda" || visible == null || visible === "") return { meters: [...meters], notes: [] };
  const nvidia = meters.filter((m) => m.scope === "gpu" && nvidiaIndex(m.sensor) != null);
  const indices = visible.split(",").map((x) => x.trim());
  const numbered = indices.every((x) => /^\d+$/.test(x));
  const gpuCount = new Set(nvidia.map((m) => nvidiaIndex(m.sensor))).size;
  if (!numbered || (gpus.deviceOrder !== "PCI_BUS_ID" && gpuCount > 1)) {
    return {
      meters: [...meters],
      notes: [
        `CUDA_VISIBLE_DEVICES=${visible} cannot be matched to nvidia-smi's GPU numbers${numbered ? " (set CUDA_DEVICE_ORDER=PCI_BUS_ID)" : " (GPU UUIDs)"}: every GPU's power is read, idle ones included`,
      ],
    };
  }
  // With one GPU, CUDA's device 0 is it; with PCI_BUS_ID order, CUDA's numbers are nvidia-smi's.
  const keep = new Set(gpuCount === 1 && gpus.deviceOrder !== "PCI_BUS_ID" ? (indices.includes("0") ? [nvidiaIndex(nvidia[0]!.sensor)] : []) : indices);
  return { meters: meters.filter((m) => m.scope !== "gpu" || nvidiaIndex(m.sensor) == null || keep.has(nvidiaIndex(m.sensor)!)), notes: [] };
}

/** Starts every meter; the returned function stops them all and returns their recordings. */
export async function recordAll(meters: readonly PowerMeter[]): Promise<() => Promise<SensorRecording[]>> {
  const recorders = await Promise.all(meters.map((m) => m.start()));
  return () => Promise.all(recorders.map((r) => r.stop()));
}

/** Sensor periods a baseline spans at least, so that it averages over the sensor's own noise. */
export const IDLE_MIN_PERIODS = 10;
/**
 * Quiet time before a baseline, ms. The first baseline follows the all-core memory-bandwidth
 * benchmark and the second the last workload: a package's temperature, fans and clocks take
 * seconds to come back down after such load, and a baseline read while they do is idle power plus
 * their tail (one second did not cover it; review N5 asks for at least 10 s). Both baselines wait
 * the same, so neither is read warmer than the other.
 */
export const IDLE_SETTLE_MS = 10_000;

/**
 * Idle power per meter: a settle period, then at least `seconds` (and at least IDLE_MIN_PERIODS
 * sensor periods) with nothing running, with the middle of that window on the meters' clock. The
 * session takes it before and after the workloads and interpolates between the two.
 */
export async function measureIdle(meters: readonly PowerMeter[], seconds: number, settleMs = IDLE_SETTLE_MS): Promise<IdleBaseline> {
  if (meters.length === 0 || seconds <= 0) return { readings: [], midNs: nowNs() };
  // Only a sensor reads heat's tail: the modelled meter charges the runner's own CPU time, which is
  // idle at once (a machine without sensors, the first run's usual case, waits no 10 s twice).
  if (meters.some((m) => m.tier !== "modelled")) await new Promise((r) => setTimeout(r, settleMs));
  const spanMs = Math.max(seconds * 1000, ...meters.map((m) => m.periodMs * IDLE_MIN_PERIODS));
  const stop = await recordAll(meters);
  const t0 = nowNs();
  await new Promise((r) => setTimeout(r, spanMs));
  const t1 = nowNs();
  const readings = (await stop()).map((rec): PowerReading => {
    const w = meanPowerW(rec, t0, t1);
    return {
      method: w == null ? "unavailable" : rec.method,
      scope: rec.scope,
      sensor: rec.sensor,
      durationNs: Math.max(1, t1 - t0),
      energyJ: w == null ? null : (w * (t1 - t0)) / 1e9,
      avgPowerW: w,
      idlePowerW: null,
      tier: rec.tier,
      flags: [],
      rangeJ: w == null || !rec.rangeJ ? null : rec.rangeJ((w * (t1 - t0)) / 1e9, (t1 - t0) / 1e9),
    };
  });
  return { readings, midNs: (t0 + t1) / 2 };
}

/**
 * Each workload reading with its sensor's idle power over the workload's repetitions, interpolated
 * between the baselines before and after the workloads (lib/core/measure/energy.ts
 * interpolatedIdleW); with no after-baseline, the before-baseline's.
 */
export function withIdle(readings: PowerReading[], before: IdleBaseline, after: IdleBaseline | null, intervals: readonly RepInterval[]): PowerReading[] {
  return readings.map((r) => ({ ...r, idlePowerW: interpolatedIdleW(r.sensor, before, after, intervals) }));
}

/** Idle drift per sensor (after - before, W), for the log: a large one says the baseline is not stable. */
export function idleDrift(before: readonly PowerReading[], after: readonly PowerReading[]): { sensor: string; beforeW: number; afterW: number }[] {
  return before.flatMap((b) => {
    const a = after.find((x) => x.sensor === b.sensor);
    return b.avgPowerW != null && a?.avgPowerW != null ? [{ sensor: b.sensor, beforeW: b.avgPowerW, afterW: a.avgPowerW }] : [];
  });
}
