/** Device probe with systeminformation: what the submission says about the hardware it ran on. */
import os from "node:os";
import si from "systeminformation";
import type { Backend, Device } from "../../../lib/core/contracts/submission";
import { batteryState } from "../power/battery";
import { workingBackends } from "./backends";
import { BANDWIDTH_METHOD, lastLevelCacheBytes } from "./bandwidth";

export async function probeDevice(backend: Backend, memoryBandwidthGBps: number | null, availableBackends: Backend[] = []): Promise<Device> {
  const [system, cpu, flags, mem, osInfo, graphics] = await Promise.all([
    si.system(),
    si.cpu(),
    si.cpuFlags(),
    si.mem(),
    si.osInfo(),
    si.graphics().catch(() => ({ controllers: [] as si.Systeminformation.GraphicsControllerData[] })),
  ]);
  const chassis = await si.chassis().catch(() => null);
  const layout = await si.memLayout().catch(() => []);
  const battery = batteryState();
  const vendor = (system.manufacturer || "").trim() || "unknown";
  const model = (system.model || "").trim() || os.hostname();
  const chassisType = (chassis?.type ?? "").toLowerCase();
  const deviceClass = /laptop|notebook|portable/.test(chassisType) || battery.present
    ? "laptop"
    : /rack|server|blade/.test(chassisType) || system.virtual
      ? "server"
      : /desktop|tower/.test(chassisType)
        ? "desktop"
        : "unknown";
  return {
    vendor,
    model,
    // The owner names it (--device-name); the probe cannot.
    name: null,
    deviceClass,
    os: { platform: osInfo.platform || process.platform, release: osInfo.kernel || os.release(), distro: `${osInfo.distro} ${osInfo.release}`.trim() || null },
    cpu: {
      vendor: cpu.manufacturer || null,
      model: `${cpu.manufacturer} ${cpu.brand}`.trim() || os.cpus()[0]?.model || "unknown",
      cores: cpu.physicalCores || cpu.cores || os.cpus().length,
      threads: cpu.cores || os.cpus().length,
      flags: flags.split(/\s+/).filter((f) => /^(avx|avx2|avx512\w*|fma|f16c|sse4_2|neon|asimd|sve|amx\w*|dotprod|i8mm)$/.test(f)),
      llcBytes: (cpu.cache?.l3 || cpu.cache?.l2 || lastLevelCacheBytes()) ?? null,
    },
    memoryModules: memoryModules(layout),
    ramBytes: mem.total,
    gpus: graphics.controllers
      .filter((g) => g.model)
      .map((g) => ({
        vendor: g.vendor || "unknown",
        model: g.model,
        vramBytes: g.vram ? g.vram * 2 ** 20 : null,
        driver: g.driverVersion || null,
      })),
    backend,
    availableBackends,
    battery: battery.present ? battery : null,
    memoryBandwidthGBps,
    memoryBandwidthMethod: memoryBandwidthGBps == null ? null : BANDWIDTH_METHOD,
    deviceMemoryBandwidth: null,
  };
}

/**
 * DDR modules (DIMM, SO-DIMM: 64 bits each) and their transfer rate, where the OS reports them; null
 * otherwise (soldered LPDDR's bus width is not a module's, VMs report nothing useful).
 */
export function memoryModules(layout: readonly { type?: string; formFactor?: string; clockSpeed?: number | null; size?: number }[]): Device["memoryModules"] {
  const ddr = layout.filter((m) => (m.size ?? 0) > 0 && /^DDR[345]$/i.test(m.type ?? "") && /DIMM/i.test(m.formFactor ?? ""));
  if (ddr.length === 0 || ddr.length !== layout.filter((m) => (m.size ?? 0) > 0).length) return null;
  const mtps = Math.max(...ddr.map((m) => m.clockSpeed ?? 0));
  return mtps > 0 ? { count: ddr.length, mtps } : null;
}

/** This machine as `tokenwatt bench` and `tokenwatt agent` record it: the backends that really load here. */
export async function probeThisDevice(backend: Backend = "cpu"): Promise<Device> {
  return probeDevice(backend, null, await workingBackends());
}
