/**
 * Temperatures and battery level, read beside the power meters: the thermal state every workload
 * starts in, and the per-interval readings of the `sustained` workload. CPU/SoC: Linux's thermal
 * zones and hwmon sensors read directly (a file read; systeminformation takes ~70 ms a call here, too
 * much beside a measurement), systeminformation elsewhere (macOS, Windows); GPU: nvidia-smi; battery:
 * the power_supply class or systeminformation; `--temp-command`: any command printing °C (a phone's
 * `adb shell cat /sys/class/thermal/thermal_zone0/temp`, millidegrees accepted). Nothing is made up:
 * a sensor that does not exist or fails to read is null.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import si from "systeminformation";
import type { ThermalStart } from "../../lib/core/contracts/submission";
import { readPeriodically } from "./power/meter";

const run = promisify(execFile);

export interface ThermalReading {
  cpuC: number | null;
  gpuC: number | null;
  batteryPct: number | null;
}

export interface ThermalProbe {
  /** Where the readings come from (recorded with them). */
  readonly sources: string[];
  read(): Promise<ThermalReading>;
}

export interface ThermalOptions {
  /** A command that prints the CPU/SoC temperature in °C (or millidegrees, as /sys prints it). */
  tempCommand?: string;
  /** Roots of the Linux sensors (tests point them at fixtures). */
  thermalRoot?: string;
  hwmonRoot?: string;
  batteryRoot?: string;
  nvidiaCommand?: string;
  /** Off: every reading null (`--no-thermal`, and tests that must not depend on this machine). */
  none?: boolean;
}

/** °C from a sensor's text: millidegrees (Linux sysfs) above 1000 become degrees. */
export function parseCelsius(text: string): number | null {
  const m = /^-?\d+(?:\.\d+)?$/.exec(text.trim().split(/\s+/)[0] ?? "");
  if (!m) return null;
  const v = Number(m[0]);
  const c = Math.abs(v) >= 1000 ? v / 1000 : v;
  return c > -60 && c < 200 ? c : null;
}

const readText = (f: string) => {
  try {
    return fs.readFileSync(f, "utf8");
  } catch {
    return null;
  }
};

const list = (dir: string) => {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
};

/** The Linux temperature files of CPUs and SoCs: thermal zones and hwmon inputs that read now. */
export function linuxTempFiles(thermalRoot = "/sys/class/thermal", hwmonRoot = "/sys/class/hwmon"): string[] {
  const files = [
    ...list(thermalRoot).filter((e) => e.startsWith("thermal_zone")).map((e) => path.join(thermalRoot, e, "temp")),
    ...list(hwmonRoot).flatMap((h) => list(path.join(hwmonRoot, h)).filter((f) => /^temp\d+_input$/.test(f)).map((f) => path.join(hwmonRoot, h, f))),
  ];
  return files.filter((f) => {
    const t = readText(f);
    return t != null && parseCelsius(t) != null;
  });
}

function batteryPercent(root: string): (() => number | null) | null {
  for (const e of list(root)) {
    if (readText(path.join(root, e, "type"))?.trim() !== "Battery") continue;
    const file = path.join(root, e, "capacity");
    if (readText(file) == null) continue;
    return () => {
      const v = Number(readText(file)?.trim());
      return Number.isFinite(v) && v >= 0 && v <= 100 ? v : null;
    };
  }
  return null;
}

const maxOf = (xs: (number | null)[]) => {
  const v = xs.filter((x): x is number => x != null);
  return v.length ? Math.max(...v) : null;
};

export async function detectThermal(o: ThermalOptions = {}): Promise<ThermalProbe> {
  if (o.none) return { sources: [], read: async () => ({ cpuC: null, gpuC: null, batteryPct: null }) };
  const sources: string[] = [];
  let cpu: (() => Promise<number | null>) | null = null;
  if (o.tempCommand) {
    const cmd = o.tempCommand;
    cpu = async () => {
      const { stdout } = await run("sh", ["-c", cmd], { timeout: 2000 });
      return parseCelsius(stdout);
    };
    sources.push("command");
  } else if (process.platform === "linux") {
    const files = linuxTempFiles(o.thermalRoot, o.hwmonRoot);
    if (files.length) {
      cpu = async () => maxOf(files.map((f) => parseCelsius(readText(f) ?? "")));
      sources.push("sysfs");
    }
  } else {
    const probe = await si.cpuTemperature().catch(() => null);
    if (probe && (probe.main != null || probe.max != null)) {
      cpu = async () => {
        const t = await si.cpuTemperature();
        return t.max ?? t.main ?? null;
      };
      sources.push("systeminformation");
    }
  }
  let gpu: (() => Promise<number | null>) | null = null;
  const smi = o.nvidiaCommand ?? "nvidia-smi";
  const gpuTemps = async () => {
    const { stdout } = await run(smi, ["--query-gpu=temperature.gpu", "--format=csv,noheader,nounits"], { timeout: 3000 });
    return maxOf(stdout.trim().split("\n").map(parseCelsius));
  };
  if ((await gpuTemps().catch(() => null)) != null) {
    gpu = gpuTemps;
    sources.push("nvidia-smi");
  }
  let battery: (() => Promise<number | null>) | null = null;
  const sysBattery = process.platform === "linux" ? batteryPercent(o.batteryRoot ?? "/sys/class/power_supply") : null;
  if (sysBattery) {
    battery = async () => sysBattery();
    sources.push("battery");
  } else if (process.platform !== "linux") {
    const b = await si.battery().catch(() => null);
    if (b?.hasBattery) {
      battery = async () => (await si.battery()).percent ?? null;
      sources.push("battery");
    }
  }
  const safe = (f: (() => Promise<number | null>) | null) => (f ? f().catch(() => null) : Promise.resolve(null));
  return {
    sources,
    read: async () => {
      const [cpuC, gpuC, batteryPct] = await Promise.all([safe(cpu), safe(gpu), safe(battery)]);
      return { cpuC, gpuC, batteryPct };
    },
  };
}

export function thermalStart(r: ThermalReading, sources: string[]): ThermalStart | null {
  if (r.cpuC == null && r.gpuC == null && r.batteryPct == null) return null;
  const round = (x: number | null) => (x == null ? null : Math.round(x * 10) / 10);
  return { cpuC: round(r.cpuC), gpuC: round(r.gpuC), batteryPct: round(r.batteryPct), sources };
}

/** Thermal readings stamped with the monotonic clock, taken every `periodMs` until stopped. */
export interface ThermalRecording {
  tNs: number[];
  readings: ThermalReading[];
}

export async function recordThermal(probe: ThermalProbe, periodMs = 1000): Promise<{ first: ThermalReading; stop(): Promise<ThermalRecording> }> {
  const rec: ThermalRecording = { tNs: [], readings: [] };
  let first: ThermalReading | null = null;
  // readPeriodically takes numbers: the reading is kept aside, the number says it arrived.
  const reading = await readPeriodically(
    async () => {
      const r = await probe.read();
      first ??= r;
      rec.readings.push(r);
      return 1;
    },
    periodMs,
    (t) => rec.tNs.push(t),
  );
  return {
    first: first ?? { cpuC: null, gpuC: null, batteryPct: null },
    stop: async () => {
      await reading.stop();
      return rec;
    },
  };
}

/**
 * Per interval [t0, t1]: the mean of each reading taken in it; an interval without a reading takes
 * the last one before it (temperatures change in seconds; the reads are one a second).
 */
export function thermalPerInterval(rec: ThermalRecording, intervals: readonly { t0Ns: number; t1Ns: number }[]) {
  const pick = (k: keyof ThermalReading) =>
    intervals.map(({ t0Ns, t1Ns }) => {
      const inside: number[] = [];
      let before: number | null = null;
      rec.tNs.forEach((t, i) => {
        const v = rec.readings[i]?.[k];
        if (v == null) return;
        if (t >= t0Ns && t <= t1Ns) inside.push(v);
        else if (t < t0Ns) before = v;
      });
      const v = inside.length ? inside.reduce((a, b) => a + b, 0) / inside.length : before;
      return v == null ? null : Math.round(v * 10) / 10;
    });
  const series = { cpuC: pick("cpuC"), gpuC: pick("gpuC"), batteryPct: pick("batteryPct") };
  // A sensor that never read is no series at all.
  return {
    cpuC: series.cpuC.some((x) => x != null) ? series.cpuC : [],
    gpuC: series.gpuC.some((x) => x != null) ? series.gpuC : [],
    batteryPct: series.batteryPct.some((x) => x != null) ? series.batteryPct : [],
  };
}
