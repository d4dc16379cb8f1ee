/** Finds the meters this device has, measures idle power, and opens windows on all meters at once. */
import type { PowerReading } from "../../../lib/core/contracts/submission";
import { detectBattery } from "./battery";
import { externalCommandMeter, externalHttpMeter } from "./external";
import type { MeterResult, PowerMeter } from "./meter";
import { detectNvidia } from "./nvidia";
import { detectPowermetrics } from "./powermetrics";
import { detectRapl } from "./rapl";

export interface MeterOptions {
  meterUrl?: string;
  meterCommand?: string;
  raplRoot?: string;
  batteryRoot?: string;
  nvidiaCommand?: string;
  /** Turn all meters off (readings "unavailable"). */
  none?: boolean;
}

export async function detectMeters(o: MeterOptions = {}): Promise<{ meters: PowerMeter[]; notes: string[] }> {
  if (o.none) return { meters: [], notes: ["power meters turned off (--no-power)"] };
  const notes: string[] = [];
  const meters: PowerMeter[] = [...detectRapl(o.raplRoot), ...detectBattery(o.batteryRoot), ...(await detectNvidia(o.nvidiaCommand))];
  const pm = await detectPowermetrics();
  meters.push(...pm.meters);
  if (pm.note) notes.push(pm.note);
  if (o.meterUrl) meters.push(externalHttpMeter(o.meterUrl));
  if (o.meterCommand) meters.push(externalCommandMeter(o.meterCommand));
  if (meters.length === 0) notes.push("no power meter found (RAPL, battery, nvidia-smi, powermetrics, external): energy is reported as unavailable");
  return { meters, notes };
}

/** Opens a window on every meter; the returned function closes them all. */
export async function beginAll(meters: readonly PowerMeter[]): Promise<() => Promise<MeterResult[]>> {
  const windows = await Promise.all(meters.map((m) => m.begin()));
  return () => Promise.all(windows.map((w) => w.close()));
}

/** Idle power per meter over `seconds` (nothing running): the baseline subtracted later. */
export async function measureIdle(meters: readonly PowerMeter[], seconds: number): Promise<PowerReading[]> {
  if (meters.length === 0 || seconds <= 0) return [];
  const close = await beginAll(meters);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return (await close()).map((r) => r.reading);
}

/** Copies each meter's idle power into the matching workload reading. */
export function withIdle(readings: PowerReading[], idle: readonly PowerReading[]): PowerReading[] {
  return readings.map((r) => ({ ...r, idlePowerW: idle.find((i) => i.sensor === r.sensor && i.method !== "unavailable")?.avgPowerW ?? null }));
}
