/**
 * Linux RAPL through powercap sysfs: cumulative energy counters (µJ) per package and its DRAM
 * sub-domain. The counter wraps at max_energy_range_uj; deltas add the range back. Readable by root
 * only on recent kernels: a domain that exists but cannot be read is reported, not skipped silently.
 */
import fs from "node:fs";
import path from "node:path";
import type { PowerScope } from "../../../lib/core/contracts/submission";
import { CounterMeter } from "./meter";

export function energyDeltaUj(before: number, after: number, maxRangeUj: number): number {
  return after >= before ? after - before : after + maxRangeUj - before;
}

/** A RAPL domain: its energy_uj counter, read every 20 ms (it updates about every 1 ms). */
export function raplMeter(dir: string, sensor: string, scope: PowerScope, maxRangeUj: number): CounterMeter {
  const read = async () => Number(fs.readFileSync(path.join(dir, "energy_uj"), "utf8").trim()) / 1e6;
  return new CounterMeter(sensor, scope, read, maxRangeUj / 1e6);
}

/** Finds readable RAPL package and DRAM domains under a powercap root (a fixture tree in tests). */
export function detectRapl(root = "/sys/class/powercap"): { meters: CounterMeter[]; unreadable: string[] } {
  const meters: CounterMeter[] = [];
  const unreadable: string[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return { meters, unreadable };
  }
  for (const e of entries.sort()) {
    if (!/^intel-rapl:\d+(:\d+)?$/.test(e)) continue;
    const dir = path.join(root, e);
    try {
      const name = fs.readFileSync(path.join(dir, "name"), "utf8").trim();
      const max = Number(fs.readFileSync(path.join(dir, "max_energy_range_uj"), "utf8").trim());
      Number(fs.readFileSync(path.join(dir, "energy_uj"), "utf8").trim()); // readable?
      const scope = name.startsWith("package") ? "package" : name === "dram" ? "dram" : null;
      if (scope && Number.isFinite(max) && max > 0) meters.push(raplMeter(dir, e, scope, max));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EPERM") unreadable.push(e);
    }
  }
  return { meters, unreadable };
}
