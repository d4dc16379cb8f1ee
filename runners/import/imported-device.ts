/**
 * The device of llama-bench results measured on another machine (pure): described by the output
 * (cpu_info, gpu_info, the log lines above a table) and by the importer's flags, never by the machine
 * importing them. Fields nobody reported stay unknown: OS "unknown", RAM null, the CPU "unknown" where
 * only --device-name names the machine, and the core count 1
 * unless --cores says it (the contract needs a count, and a guess from the thread counts used would
 * split one machine into several devices). The CPU name is tidied (lib/core/measure/cpu-name.ts) so
 * that /proc/cpuinfo's and a person's spelling of one processor name one device.
 */
import type { DeviceInput } from "../../lib/core/measure/build-submission";
import { sameCpu, tidyCpuName } from "../../lib/core/measure/cpu-name";
import { gpuVendor } from "./ggml-log";
import type { RowMachine } from "./llama-bench";

export interface MachineFlags {
  /** The owner's name for the machine ("Ana's Framework 12"): the device's name and model. */
  deviceName?: string | null;
  /** The CPU, where the output does not name it (a markdown table without log lines). */
  cpu?: string | null;
  /** The GPUs, where the output does not name them. */
  gpus?: string[] | null;
  cores?: number | null;
}

export class MachineError extends Error {}

function cpuVendor(name: string): string | null {
  const rules: [RegExp, string][] = [
    [/intel|xeon|core i\d/i, "Intel"],
    [/\bamd\b|ryzen|epyc|threadripper/i, "AMD"],
    [/apple/i, "Apple"],
    [/snapdragon|qualcomm|oryon/i, "Qualcomm"],
    [/\bcix\b/i, "Cix"],
    [/cortex|neoverse|\barm\b|bcm\d/i, "ARM"],
  ];
  return rules.find(([re]) => re.test(name))?.[1] ?? null;
}

export function importedDevice(m: RowMachine, flags: MachineFlags): DeviceInput {
  const cpuName = flags.cpu?.trim() || m.cpuInfo.trim();
  // A pasted GPU table often names no CPU: the owner's name for the machine must then identify it.
  if (!cpuName && !flags.deviceName?.trim()) throw new MachineError("the output does not name the machine's CPU: say which with --cpu, or name the machine with --device-name");
  const gpuNames = flags.gpus?.length ? flags.gpus : m.gpuInfo.split(/,\s+/).filter(Boolean);
  const cpu = cpuName ? tidyCpuName(cpuName) : "unknown";
  const cores = flags.cores ?? 1;
  return {
    vendor: cpuVendor(cpu) ?? "unknown",
    model: flags.deviceName?.trim() || cpu,
    name: flags.deviceName?.trim() || null,
    deviceClass: "unknown",
    os: { platform: "unknown", release: "unknown", distro: null },
    cpu: { vendor: cpuVendor(cpu), model: cpu, cores, threads: cores, flags: [] },
    ramBytes: null,
    gpus: gpuNames.map((g) => ({ vendor: gpuVendor(g), model: g.trim(), vramBytes: null, driver: null })),
    backend: m.backend,
    availableBackends: [m.backend],
    battery: null,
    memoryBandwidthGBps: null,
  };
}

/**
 * Whose results an output holds: this machine's where --this-machine says so or the CPU it names is
 * this one's (however the two tools spell it); another machine's where flags describe one or the
 * CPU differs. An output that names no CPU and no flags: refused (it could be anyone's).
 */
export function whichMachine(o: { named: string | null; thisCpu: string; described: boolean; thisMachine: boolean }): "this" | "other" {
  if (o.thisMachine) {
    if (o.named && !sameCpu(o.named, o.thisCpu)) throw new MachineError(`measured on "${o.named}", not this machine's ${o.thisCpu}`);
    return "this";
  }
  if (o.described) return "other";
  if (!o.named) throw new MachineError("the output does not say which machine it ran on: add --this-machine, or describe it (--device-name, --cpu, --gpu, --source-url)");
  return sameCpu(o.named, o.thisCpu) ? "this" : "other";
}
