/**
 * Linux battery discharge (/sys/class/power_supply/BAT*): while on battery, the whole device's draw
 * comes from it (scope "battery": the device without its charger, not the wall). power_now (µW) is sampled; without it, current_now (µA) x voltage_now (µV).
 * On AC power the battery says nothing about the draw, so no meter is offered.
 */
import fs from "node:fs";
import path from "node:path";
import { SampledMeter } from "./meter";

const readNum = (f: string) => {
  try {
    const v = Number(fs.readFileSync(f, "utf8").trim());
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
};

/** Watts the battery delivers; some drivers report a discharging battery's power or current as negative. */
export function batteryWatts(dir: string): number | null {
  const p = readNum(path.join(dir, "power_now"));
  if (p != null) return Math.abs(p) / 1e6;
  const i = readNum(path.join(dir, "current_now"));
  const v = readNum(path.join(dir, "voltage_now"));
  return i != null && v != null ? Math.abs((i / 1e6) * (v / 1e6)) : null;
}

/** Batteries refresh power_now every few seconds (the gauge's update period): windows shorter than 3 of them are flagged. */
const BATTERY_UPDATE_MS = 1000;

export interface BatteryState {
  present: boolean;
  acConnected: boolean | null;
}

export function batteryState(root = "/sys/class/power_supply"): BatteryState {
  let present = false;
  let ac: boolean | null = null;
  try {
    for (const e of fs.readdirSync(root)) {
      const type = fs.readFileSync(path.join(root, e, "type"), "utf8").trim();
      if (type === "Battery") present = true;
      if (type === "Mains") ac = (readNum(path.join(root, e, "online")) ?? 0) === 1 || ac === true;
    }
  } catch {
    /* no power_supply class */
  }
  return { present, acConnected: ac };
}

export function detectBattery(root = "/sys/class/power_supply", intervalMs = 200): SampledMeter[] {
  const meters: SampledMeter[] = [];
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return meters;
  }
  for (const e of entries.sort()) {
    const dir = path.join(root, e);
    try {
      if (fs.readFileSync(path.join(dir, "type"), "utf8").trim() !== "Battery") continue;
      if (fs.readFileSync(path.join(dir, "status"), "utf8").trim() !== "Discharging") continue;
    } catch {
      continue;
    }
    if (batteryWatts(dir) == null) continue;
    meters.push(new SampledMeter(`battery:${e}`, "battery", async () => batteryWatts(dir), intervalMs, "battery", BATTERY_UPDATE_MS));
  }
  return meters;
}
