/**
 * NVIDIA GPUs through NVML's total-energy counter (millijoules since the driver loaded; Volta and
 * newer), read the way Zeus reads it: nvmlDeviceGetTotalEnergyConsumption per GPU, through koffi
 * (a maintained FFI package with prebuilt binaries) on libnvidia-ml.so.1. A counter, so each
 * repetition's energy is a difference of two interpolated reads, not an integral of sampled power.
 * GPUs without the counter (NVML_ERROR_NOT_SUPPORTED) are left to nvidia-smi sampling.
 */
import type koffiModule from "koffi";
import { CounterMeter, counterUpdatePeriodMs } from "./meter";

/** NVML's return codes this file distinguishes. */
const NVML_SUCCESS = 0;

export interface NvmlGpu {
  index: number;
  name: string;
  /** The total-energy counter, mJ; null when the read fails. */
  totalEnergyMj(): number | null;
  /** How often the counter updates, ms, measured at start (null: it changed too rarely to tell). */
  updatePeriodMs: number | null;
}

/** The GPUs of the NVML library at `library`, or why there are none. */
export async function openNvml(library = "libnvidia-ml.so.1"): Promise<{ gpus: NvmlGpu[]; note: string | null }> {
  let koffi: typeof koffiModule;
  try {
    koffi = (await import("koffi")).default;
  } catch (e) {
    return { gpus: [], note: `NVML not read: koffi could not load (${(e as Error).message.split("\n")[0]})` };
  }
  let lib;
  try {
    lib = koffi.load(library);
  } catch {
    return { gpus: [], note: null }; // no NVIDIA driver here: nothing to say
  }
  const init = lib.func("int nvmlInit_v2()");
  const getCount = lib.func("int nvmlDeviceGetCount_v2(_Out_ unsigned int *count)");
  const getHandle = lib.func("int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ void **device)");
  const getName = lib.func("int nvmlDeviceGetName(void *device, _Out_ char *name, unsigned int length)");
  const getEnergy = lib.func("int nvmlDeviceGetTotalEnergyConsumption(void *device, _Out_ uint64_t *energy)");
  const rc = init();
  if (rc !== NVML_SUCCESS) return { gpus: [], note: `NVML did not initialise (error ${rc}): GPU energy falls back to nvidia-smi` };
  const count = [0];
  if (getCount(count) !== NVML_SUCCESS) return { gpus: [], note: "NVML could not count the GPUs" };
  const gpus: NvmlGpu[] = [];
  const noCounter: number[] = [];
  for (let index = 0; index < count[0]!; index++) {
    const handle: unknown[] = [null];
    if (getHandle(index, handle) !== NVML_SUCCESS) continue;
    const name = Buffer.alloc(96);
    getName(handle[0], name, name.length);
    const read = () => {
      const out = [0];
      return getEnergy(handle[0], out) === NVML_SUCCESS ? Number(out[0]) : null;
    };
    if (read() == null) {
      noCounter.push(index);
      continue;
    }
    // The counter updates every few tens of ms on most boards (Zeus warns of windows shorter than
    // that): measured here, so shorter windows are flagged and interpolated between updates.
    gpus.push({ index, name: name.toString("utf8").replace(/\0.*$/s, ""), totalEnergyMj: read, updatePeriodMs: await counterUpdatePeriodMs(read) });
  }
  const note = noCounter.length ? `GPU ${noCounter.join(", ")} has no NVML energy counter (pre-Volta): its energy is sampled with nvidia-smi` : null;
  return { gpus, note };
}

/** One counter meter per GPU with NVML's total-energy counter (it does not wrap: 2^64 mJ; a drop is a reset). */
export function nvmlMeters(gpus: readonly NvmlGpu[], periodMs = 20): CounterMeter[] {
  return gpus.map((g) => new CounterMeter(`nvml:${g.index}`, "gpu", async () => {
    const mj = g.totalEnergyMj();
    return mj == null ? null : mj / 1000;
  }, null, periodMs, "counter", g.updatePeriodMs));
}
