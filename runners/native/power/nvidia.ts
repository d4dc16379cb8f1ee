/**
 * NVIDIA GPUs through nvidia-smi: `power.draw.instant` (instantaneous board power, Ampere and
 * newer) sampled every 100 ms and integrated; `power.draw` (a 1 s average) where instant is not
 * supported. nvidia-smi has no energy-counter query field (NVML's total energy counter needs the
 * library), so the method is "sampled".
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { StreamMeter } from "./stream";

const run = promisify(execFile);

export function parseNvidiaLine(line: string, gpuIndex: number): number | null {
  const [idx, watts] = line.split(",").map((s) => s.trim());
  if (Number(idx) !== gpuIndex || !watts || !/^\d+(\.\d+)?$/.test(watts)) return null;
  return Number(watts);
}

export async function detectNvidia(command = "nvidia-smi"): Promise<StreamMeter[]> {
  for (const field of ["power.draw.instant", "power.draw"]) {
    try {
      const { stdout } = await run(command, [`--query-gpu=index,${field}`, "--format=csv,noheader,nounits"], { timeout: 5000 });
      const gpus = stdout
        .trim()
        .split("\n")
        .map((l) => l.split(",").map((s) => s.trim()))
        .filter(([i, w]) => /^\d+$/.test(i ?? "") && /^\d+(\.\d+)?$/.test(w ?? ""));
      if (gpus.length === 0) continue;
      return gpus.map(
        ([i]) =>
          new StreamMeter(
            `nvidia-smi:${i}:${field}`,
            "gpu",
            command,
            [`--query-gpu=index,${field}`, "--format=csv,noheader,nounits", "-lms", "100"],
            (l) => parseNvidiaLine(l, Number(i)),
            100,
            "sampled",
            // power.draw is a one-second average; power.draw.instant updates every poll.
            field === "power.draw" ? 1000 : 100,
          ),
      );
    } catch {
      /* no nvidia-smi or field unsupported */
    }
  }
  return [];
}
